//! How long one SPLP request takes to render, against headless Chromium printing the same
//! request laid out as HTML (the way a web-based case system makes its PDFs).
//!
//! ```sh
//! cargo bench -p loket-pdf --bench render
//! ```
//! `LOKET_BENCH_RENDERS` (default 500) renders in a row, `LOKET_BENCH_CHROMIUM_RUNS` (default
//! 20) Chromium prints; `LOKET_BENCH_CHROMIUM_RUNS=0` leaves Chromium out; `LOKET_BENCH_KEEP=1`
//! keeps Chromium's HTML and PDFs to look at. Prints Markdown tables for docs/benchmarks.md.
//! The record is the spec's invented example.

use loket_core::IntakeRecord;
use loket_pdf::{render, Mark, Photo, RequestPage};
use std::fmt::Write as _;
use std::process::Command;
use std::time::{Duration, Instant};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let renders = env_usize("LOKET_BENCH_RENDERS", 500);
    let chromium_runs = env_usize("LOKET_BENCH_CHROMIUM_RUNS", 20);

    let record: IntakeRecord =
        serde_json::from_str(include_str!("../../core/tests/fixtures/example.json"))?;
    let mission = loket_pdf::specimen::mission();
    let payload = format!("LOKET1.{}", "7KQ2abcd".repeat(37));
    let photo = Photo::from_image(&loket_pdf::specimen::portrait_png())?;
    let page = RequestPage {
        mission: &mission,
        serial: "PNH-2026-7KQ2-000123",
        mark: Mark::Original,
        case_id: "0190f3c2-8a7e-7b7c-9a51-3f2d1c0e4b11",
        version: 3,
        record: &record,
        qr_payload: &payload,
        photo: Some(&photo),
        date: chrono::NaiveDate::from_ymd_opt(2026, 1, 19).ok_or("date")?,
        officer: "ANDI PRASETYO",
    };

    // The first render parses the fonts (once per process): timed on its own.
    let start = Instant::now();
    let first = render(&page)?;
    let first_time = start.elapsed();

    let mut rows = Vec::new();
    for (what, page) in [
        ("with photo", page.clone()),
        (
            "without photo",
            RequestPage {
                photo: None,
                ..page.clone()
            },
        ),
    ] {
        let mut times = Vec::with_capacity(renders);
        let all = Instant::now();
        for _ in 0..renders {
            let t = Instant::now();
            let pdf = render(&page)?;
            times.push(t.elapsed());
            std::hint::black_box(pdf);
        }
        let total = all.elapsed();
        rows.push((what, stats(&mut times), total));
    }

    println!("| loket-pdf, {renders} renders in a row | median | p95 | max | total |");
    println!("|---|---|---|---|---|");
    for (what, (median, p95, max), total) in &rows {
        println!(
            "| {what} | {} | {} | {} | {} |",
            ms(*median),
            ms(*p95),
            ms(*max),
            ms(*total)
        );
    }
    println!(
        "\nfirst render (parses the fonts): {}; PDF size {} KB with photo",
        ms(first_time),
        first.len() / 1024
    );

    if chromium_runs == 0 {
        return Ok(());
    }
    let Some(chromium) = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| Command::new(c).arg("--version").output().is_ok())
    else {
        println!("\nchromium not installed: its comparison is left out");
        return Ok(());
    };
    let dir = tempdir()?;
    let html = dir.join("request.html");
    std::fs::write(&html, request_html(&page, &photo))?;
    let mut times = Vec::with_capacity(chromium_runs);
    let mut size = 0;
    for i in 0..chromium_runs {
        let out = dir.join(format!("out-{i}.pdf"));
        let profile = dir.join(format!("profile-{i}"));
        let t = Instant::now();
        let status = Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-pdf-header-footer",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("--print-to-pdf={}", out.display()))
            .arg(format!("file://{}", html.display()))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()?;
        times.push(t.elapsed());
        if !status.success() {
            return Err(format!("chromium failed: {status}").into());
        }
        size = std::fs::metadata(&out)?.len();
    }
    let (median, p95, max) = stats(&mut times);
    let ours = rows[0].1 .0;
    println!(
        "\n| Chromium headless --print-to-pdf, {chromium_runs} runs | median | p95 | max |\n|---|---|---|---|\n| same request as HTML | {} | {} | {} |",
        ms(median),
        ms(p95),
        ms(max)
    );
    println!(
        "\nChromium's PDF {} KB; loket-pdf is {:.0}× faster (median against median, with photo)",
        size / 1024,
        median.as_secs_f64() / ours.as_secs_f64()
    );
    if std::env::var_os("LOKET_BENCH_KEEP").is_some() {
        println!("kept {}", dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Median, 95th percentile and maximum.
fn stats(times: &mut [Duration]) -> (Duration, Duration, Duration) {
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.95), at(1.0))
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// A private directory under the system's temp dir, for Chromium's profile and output.
fn tempdir() -> std::io::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("loket-pdf-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// The same request as one self-contained HTML page: the same sections, labels and values,
/// the photo as a data: URI and the QR code as inline SVG, A4 with the same margins.
fn request_html(page: &RequestPage, photo: &Photo) -> String {
    let r = page.record;
    let p = &r.person;
    let a = p.address_id.clone().unwrap_or_default();
    let kin = p.next_of_kin.clone().unwrap_or_default();
    let v = |s: &Option<String>| escape(s.as_deref().unwrap_or("—"));
    let date = |s: &Option<String>| {
        s.as_deref()
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .map(|d| d.format("%d-%m-%Y").to_string())
            .unwrap_or_else(|| "—".into())
    };
    let row = |label: (&str, &str), value: String| {
        format!(
            "<tr><th>{}<small>{}</small></th><td>{value}</td></tr>",
            label.0, label.1
        )
    };
    let row2 = |l1: (&str, &str), v1: String, l2: (&str, &str), v2: String| {
        format!(
            "<tr><th>{}<small>{}</small></th><td>{v1}</td><th>{}<small>{}</small></th><td>{v2}</td></tr>",
            l1.0, l1.1, l2.0, l2.1
        )
    };
    let mut html = String::new();
    let _ = write!(
        html,
        r#"<!doctype html><html lang="id"><head><meta charset="utf-8"><title>SPLP request</title><style>
@page {{ size: A4; margin: 12mm 15mm 12mm 15mm; }}
body {{ font-family: "DejaVu Sans Condensed", "DejaVu Sans", sans-serif; font-size: 9.5pt; margin: 0; }}
header {{ display: flex; justify-content: space-between; border-bottom: 2px solid #000; padding-bottom: 2mm; }}
header .mission b {{ font-size: 10.5pt; }} header .mission div {{ color: #666; font-size: 8pt; }}
header .serial {{ text-align: right; }} header .serial b {{ font-size: 13pt; }}
h1 {{ text-align: center; font-size: 12.5pt; margin: 4mm 0 0; }} .sub {{ text-align: center; color: #666; }}
h2 {{ background: #e6e6e6; font-size: 8.5pt; padding: 1mm 1.5mm; margin: 2mm 0 1mm; }} h2 span {{ font-weight: normal; color: #666; }}
table {{ width: 100%; border-collapse: collapse; }} th {{ width: 33mm; text-align: left; font-weight: normal; font-size: 7.5pt; vertical-align: top; }}
th small {{ display: block; color: #666; font-size: 6.5pt; }} td {{ border-bottom: 0.3pt solid #888; vertical-align: top; }}
.identity {{ display: flex; gap: 4mm; }} .photo {{ width: 30mm; height: 40mm; border: 0.4pt solid #888; }}
.sign {{ display: flex; justify-content: space-between; margin-top: 12mm; }} .sign div {{ width: 62mm; }}
.line {{ border-bottom: 0.5pt solid #000; height: 17mm; }} footer {{ border-top: 0.5pt solid #000; font-size: 7pt; margin-top: 6mm; }}
</style></head><body>
<header><div class="mission"><b>{}</b><div>{}, {}</div></div><div class="serial"><small>Nomor seri / Serial no.</small><br><b>{}</b></div></header>
<h1>PERMOHONAN SURAT PERJALANAN LAKSANA PASPOR (SPLP)</h1><div class="sub">Application for an emergency travel document (SPLP)<br><small>Nomor kasus / Case ID: {} &nbsp; Versi / Version: {}</small></div>
"#,
        escape(&page.mission.name),
        escape(&page.mission.address),
        escape(&page.mission.city),
        escape(page.serial),
        escape(page.case_id),
        page.version
    );
    let _ = write!(
        html,
        r#"<h2>A. IDENTITAS PEMOHON <span>/ Applicant's identity</span></h2><div class="identity"><table>{}{}{}{}{}{}</table><img class="photo" src="data:image/jpeg;base64,{}"></div><table>{}{}{}{}{}{}</table>"#,
        row(
            ("Nama lengkap", "Full name"),
            format!("<b>{}</b>", v(&p.full_name))
        ),
        row(
            ("Nama lain", "Other names"),
            escape(&p.aliases.clone().unwrap_or_default().join("; "))
        ),
        row(("Jenis kelamin", "Sex"), "Perempuan / Female".into()),
        row(("Tanggal lahir", "Date of birth"), date(&p.date_of_birth)),
        row(("Tempat lahir", "Place of birth"), v(&p.place_of_birth)),
        row(("NIK", "National ID no."), v(&p.nik)),
        base64(photo.jpeg()),
        row2(
            ("Nomor KK", "Family card no."),
            v(&p.kk_number),
            ("Nama ibu kandung", "Mother's name"),
            v(&p.mother_name)
        ),
        row(("Alamat di Indonesia", "Address in Indonesia"), v(&a.line)),
        row2(
            ("Desa/kelurahan", "Village"),
            v(&a.village),
            ("Kecamatan", "District"),
            v(&a.district)
        ),
        row2(
            ("Kabupaten/kota", "Regency/city"),
            v(&a.regency),
            ("Kode provinsi", "Province code"),
            v(&a.province)
        ),
        row2(
            ("Telepon", "Phone"),
            v(&p.phone),
            ("Keluarga terdekat", "Next of kin"),
            v(&kin.name)
        ),
        row2(
            ("Hubungan", "Relation"),
            v(&kin.relation),
            ("Telepon keluarga", "Next of kin's phone"),
            v(&kin.phone)
        ),
    );
    let pass = r.passport.clone().unwrap_or_default();
    let stay = r.stay.clone().unwrap_or_default();
    let _ = write!(
        html,
        r#"<h2>B. BUKTI KEWARGANEGARAAN YANG DIPERLIHATKAN <span>/ Citizenship evidence seen</span></h2><table>{}</table>
<h2>C. PASPOR <span>/ Passport</span></h2><table>{}{}</table>
<h2>D. KEBERADAAN DI KAMBOJA <span>/ Stay in Cambodia</span></h2><table>{}{}{}</table>
<h2>E. PERMOHONAN <span>/ Request</span></h2><table>{}{}</table>"#,
        row(
            ("Dokumen", "Documents"),
            "KTP elektronik / e-KTP identity card; Kartu Keluarga / Family card".into()
        ),
        row(
            ("Status paspor", "Passport status"),
            "Ditahan pihak lain / Confiscated".into()
        ),
        row2(
            ("Nomor paspor lama", "Replaced passport no."),
            v(&pass.number),
            ("Berlaku sampai", "Expiry date"),
            date(&pass.expiry_date)
        ),
        row2(
            ("Tanggal masuk", "Entry date"),
            date(&stay.entry_date),
            ("Tempat masuk", "Entry point"),
            v(&stay.entry_point)
        ),
        row2(
            ("Visa/izin", "Visa"),
            "Visa kunjungan wisata / Tourist visa".into(),
            ("Izin berlaku s.d.", "Permit expiry"),
            date(&stay.permit_expiry)
        ),
        row(
            ("Lewat izin tinggal", "Overstay"),
            format!("{} hari / days", stay.overstay_days.unwrap_or(0))
        ),
        row2(
            ("Dokumen dimohon", "Document requested"),
            "SPLP / Emergency travel document".into(),
            ("Alasan", "Reason"),
            "Paspor ditahan pihak lain / Passport confiscated".into()
        ),
        row2(
            ("Bandara tujuan", "Port of entry"),
            "CGK".into(),
            ("Biaya perjalanan", "Travel funding"),
            "Negara / State-funded".into()
        ),
    );
    let place_date = format!(
        "{}, {}",
        escape(&page.mission.city),
        page.date.format("%d-%m-%Y")
    );
    let _ = write!(
        html,
        r#"<div class="sign"><div><b>Pemohon</b> / Applicant<br>{place_date}<div class="line"></div><b>{}</b></div><div><b>Petugas</b> / Officer<br>{place_date}<div class="line"></div><b>{}</b></div><div style="width:34mm;text-align:center">{}<br><small>Verifikasi / Verify</small></div></div>
<footer>Nomor kasus / Case ID: {} · Versi / Version: {} · Nomor seri / Serial no.: {} <span style="float:right">Halaman / Page 1/1</span><br><small>Dokumen ini adalah permohonan, bukan dokumen perjalanan. / This is a request, not a travel document.</small></footer></body></html>"#,
        v(&p.full_name),
        escape(page.officer),
        qr_svg(page.qr_payload),
        escape(page.case_id),
        page.version,
        escape(page.serial),
    );
    html
}

/// The QR code as inline SVG, one rect per dark module, 34 mm with its quiet zone.
fn qr_svg(payload: &str) -> String {
    let code = qrcode::QrCode::with_error_correction_level(payload, qrcode::EcLevel::M)
        .expect("the payload fits");
    let w = code.width();
    let n = w + 8;
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="34mm" height="34mm" viewBox="0 0 {n} {n}"><rect width="{n}" height="{n}" fill="white"/>"#
    );
    for (i, c) in code.to_colors().iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let _ = write!(
                svg,
                r#"<rect x="{}" y="{}" width="1" height="1"/>"#,
                i % w + 4,
                i / w + 4
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
