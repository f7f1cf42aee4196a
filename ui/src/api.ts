// The only way the page talks to Rust: one typed function per command of src-tauri/commands.rs.
// Argument and result types are generated from the Rust types (src/bindings, ts-rs).
import { invoke } from "@tauri-apps/api/core";
import type { AppError } from "./bindings/AppError";
import type { AppStatus } from "./bindings/AppStatus";
import type { AuditEntry } from "./bindings/AuditEntry";
import type { Case } from "./bindings/Case";
import type { CasePage } from "./bindings/CasePage";
import type { DeviceIdentity } from "./bindings/DeviceIdentity";
import type { ExitList } from "./bindings/ExitList";
import type { ExitLists } from "./bindings/ExitLists";
import type { Finalize } from "./bindings/Finalize";
import type { History } from "./bindings/History";
import type { IntakeRecord } from "./bindings/IntakeRecord";
import type { Lang } from "./bindings/Lang";
import type { MissionProfile } from "./bindings/MissionProfile";
import type { MissionCase } from "./bindings/MissionCase";
import type { MrzTd3 } from "./bindings/MrzTd3";
import type { Officers } from "./bindings/Officers";
import type { Printers } from "./bindings/Printers";
import type { ReceiptApplied } from "./bindings/ReceiptApplied";
import type { Report } from "./bindings/Report";
import type { RequestInfo } from "./bindings/RequestInfo";
import type { Saved } from "./bindings/Saved";
import type { SyncState } from "./bindings/SyncState";
import type { Today } from "./bindings/Today";
import type { UsbExport } from "./bindings/UsbExport";
import type { UsbState } from "./bindings/UsbState";
import type { VersionRecord } from "./bindings/VersionRecord";

/** A command's failure as the page handles it: always `{code, message}`. */
export class CommandError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(
  cmd: string,
  args: Record<string, unknown> | Uint8Array = {},
  headers?: Record<string, string>,
): Promise<T> {
  try {
    return await invoke<T>(cmd, args, headers ? { headers } : undefined);
  } catch (e) {
    const err = e as Partial<AppError> | string;
    if (typeof err === "object" && err && typeof err.code === "string") {
      throw new CommandError(err.code, err.message ?? "");
    }
    // Arguments Tauri could not read, or the IPC itself failing.
    throw new CommandError("ipc", String(err));
  }
}

export const api = {
  status: () => call<AppStatus>("status"),
  createStore: (mission: string, passphrase: string, officer: string) =>
    call<DeviceIdentity>("create_store", { mission, passphrase, officer }),
  unlock: (passphrase: string, officer: string) => call<null>("unlock", { passphrase, officer }),
  lock: () => call<null>("lock"),
  officers: () => call<Officers>("officers"),
  /** `ownPassphrase` is the passphrase of the officer at the keyboard, asked again. */
  addOfficer: (ownPassphrase: string, name: string, passphrase: string) =>
    call<Officers>("add_officer", { ownPassphrase, name, passphrase }),
  removeOfficer: (ownPassphrase: string, name: string) =>
    call<Officers>("remove_officer", { ownPassphrase, name }),
  changePassphrase: (ownPassphrase: string, passphrase: string) =>
    call<null>("change_passphrase", { ownPassphrase, passphrase }),
  counterLog: () => call<AuditEntry[]>("counter_log"),
  setLanguage: (lang: Lang) => call<null>("set_language", { lang }),
  mission: () => call<MissionProfile>("mission"),
  setMission: (mission: MissionProfile) => call<MissionProfile>("set_mission", { mission }),
  check: (record: IntakeRecord) => call<Report>("check", { record }),
  save: (record: IntakeRecord, reason?: string) =>
    call<Saved>("save", { record, reason: reason ?? null }),
  finalize: (id: string) => call<Finalize>("finalize", { id }),
  closeCase: (id: string, reason: string) => call<number>("close_case", { id, reason }),
  /** The finalised cases here whose person headquarters reports departed. */
  departedOpen: () => call<string[]>("departed_open"),
  /** Closes all of them (each a closing by the officer); how many. */
  closeDeparted: () => call<number>("close_departed"),
  case: (id: string) => call<Case>("case", { id }),
  history: (id: string) => call<History>("history", { id }),
  version: (id: string, version: number) => call<VersionRecord>("version", { id, version }),
  cases: (query: string, offset: number, limit: number) =>
    call<CasePage>("cases", { query, offset, limit }),
  today: () => call<Today>("today"),
  readMrz: (line1: string, line2: string) => call<MrzTd3>("read_mrz", { line1, line2 }),
  printers: () => call<Printers>("printers"),
  /** On `printer`, or in the system's PDF viewer when it is null. */
  printRequest: (id: string, printer: string | null, reason: string | null) =>
    call<RequestInfo>("print_request", { id, printer, reason }),
  /** The exit-permit lists made here, and how many people wait for the next. */
  exitLists: () => call<ExitLists>("exit_lists"),
  /** Prints list `label` again, or makes the next list when it is null; on `printer`, or
   * in the system's PDF viewer when that is null. */
  printExitList: (label: string | null, printer: string | null) =>
    call<ExitList>("print_exit_list", { label, printer }),
  voidRequest: (serial: string, reason: string) => call<RequestInfo>("void_request", { serial, reason }),
  /** The file's bytes go as they are (no JSON); the case travels in a header. */
  attachPhoto: (id: string, bytes: Uint8Array) => call<null>("attach_photo", bytes, { "case-id": id }),
  photo: (id: string) => call<string | null>("photo", { id }),
  usbState: () => call<UsbState>("usb_state"),
  /** Seals what is waiting and writes every unacknowledged batch to the folder `dir`. */
  exportUsb: (dir: string) => call<UsbExport>("export_usb", { dir }),
  /** Reads headquarters' receipt from the folder `dir` (or the file `dir`). */
  applyReceipt: (dir: string) => call<ReceiptApplied>("apply_receipt", { dir }),
  /** Headquarters' address; null when the counter syncs by USB only. */
  hqUrl: () => call<string | null>("hq_url"),
  /** Checks and stores the address (empty clears it); returns it as stored. */
  setHqUrl: (url: string) => call<string | null>("set_hq_url", { url }),
  /** Matching cases of the mission's other counters, from headquarters' index. */
  missionCases: (query: string) => call<MissionCase[]>("mission_cases", { query }),
  /** The sync worker's state and what headquarters has not acknowledged yet. */
  syncStatus: () => call<SyncState>("sync_status"),
  /** Asks the sync worker for a round now. */
  syncNow: () => call<null>("sync_now"),
};
