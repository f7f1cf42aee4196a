// Shared by build.rs (one permission per command) and commands.rs.

/// Every command, by name: `build.rs` makes an `allow-…` permission of each.
pub const COMMANDS: &[&str] = &[
    "status",
    "create_store",
    "unlock",
    "lock",
    "set_language",
    "set_mission",
    "check",
    "save",
    "finalize",
    "case",
    "history",
    "version",
    "cases",
    "today",
    "read_mrz",
    "mission",
    "printers",
    "print_request",
    "void_request",
    "attach_photo",
    "photo",
    "usb_state",
    "export_usb",
    "apply_receipt",
];
