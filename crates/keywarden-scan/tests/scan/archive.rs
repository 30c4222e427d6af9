//! Archives in a tree scan: real zip, jar, tar, tar.gz and gz files built
//! here with the crates' writers (and, for bombs and damage, by hand), with
//! tokens made at run time.

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::{DeflateEncoder, GzEncoder};
use keywarden_scan::{
    ArchiveSkip, Archives, Config, Progress, Report, ScanWarning, Scanner, archive, report,
    scan_paths,
};
use proptest::prelude::*;

use crate::{Gen, checksummed, keywarden_key, scanner};

/// A zip of `entries` (deflated; names ending `/` are directories).
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        if name.ends_with('/') {
            w.add_directory(*name, opts).unwrap();
        } else {
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
    }
    w.finish().unwrap().into_inner()
}

/// A tar of `entries` (regular files).
fn tar_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in entries {
        append_file(&mut b, name, data);
    }
    b.into_inner().unwrap()
}

/// A regular file `name` holding `data`, appended to `b`.
fn append_file(b: &mut tar::Builder<Vec<u8>>, name: &str, data: &[u8]) {
    let mut h = tar::Header::new_ustar();
    h.set_size(data.len() as u64);
    h.set_mode(0o644);
    h.set_entry_type(tar::EntryType::Regular);
    b.append_data(&mut h, name, data).unwrap();
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn write(root: &Path, rel: &str, data: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, data).unwrap();
}

fn scan_with(s: &Scanner, root: &Path) -> Report {
    scan_paths(s, &[root.to_path_buf()], 2, &Progress::default()).unwrap()
}

/// (path under `root`, rule) of every finding, sorted.
fn found(root: &Path, report: &Report) -> Vec<(String, String)> {
    let prefix = format!("{}/", root.display());
    let mut v: Vec<(String, String)> = report
        .findings
        .iter()
        .map(|f| {
            (
                f.path.strip_prefix(&prefix).unwrap_or(&f.path).to_owned(),
                f.rule_id.to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

/// (path under `root`, why) of every warning.
fn warned(root: &Path, report: &Report) -> Vec<(String, ArchiveSkip)> {
    let prefix = format!("{}/", root.display());
    report
        .warnings
        .iter()
        .map(|w| match w {
            ScanWarning::Archive { path, skip } => (
                path.strip_prefix(&prefix).unwrap_or(path).to_owned(),
                skip.clone(),
            ),
            other => panic!("unexpected warning {other}"),
        })
        .collect()
}

fn pair(path: &str, rule: &str) -> (String, String) {
    (path.to_owned(), rule.to_owned())
}

/// A Stripe live key: found by its rule, proved by no checksum.
fn stripe(g: &mut Gen) -> String {
    format!("sk_live_{}", g.alnum(30))
}

#[test]
fn a_token_in_a_zip_is_found_at_its_bang_path() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut g = Gen::new(2601);
    let config = format!("github:\n  token: {}\n", checksummed("ghp_", &mut g));
    let class = [0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 0x34, 0, 1];
    let zip = zip_of(&[
        ("config/", b""),
        ("config.yml", config.as_bytes()),
        ("App.class", &class),
    ]);
    write(root, "x.zip", &zip);
    // Told by its magic bytes, not its name.
    write(root, "bundle.dat", &zip);
    write(root, "plain.txt", b"nothing here\n");

    let report = scan_with(&scanner(), root);
    assert_eq!(
        found(root, &report),
        [
            pair("bundle.dat!config.yml", "github-pat"),
            pair("x.zip!config.yml", "github-pat"),
        ]
    );
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert!(report.errors.is_empty());
    assert_eq!(report.stats.archives, 2);
    // Each zip's App.class; the archives themselves are not "binary".
    assert_eq!(report.stats.skipped_binary, 2);
    // plain.txt and the two config.yml entries.
    assert_eq!(report.stats.files, 3);
}

#[test]
fn a_jar_inside_a_zip_is_opened() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let key = keywarden_key("acme", "live", 41);
    let props = format!("app.name=demo\nacme.key={key}\n");
    let jar = zip_of(&[
        ("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\n"),
        ("application.properties", props.as_bytes()),
    ]);
    write(root, "outer.zip", &zip_of(&[("lib/app.jar", &jar)]));

    let report = scan_with(&scanner(), root);
    assert_eq!(
        found(root, &report),
        [pair(
            "outer.zip!lib/app.jar!application.properties",
            "keywarden-key"
        )]
    );
    let f = &report.findings[0];
    assert!(f.verified_checksum);
    assert_eq!((f.line, f.secret.expose()), (2, key.as_str()));
    assert_eq!(report.stats.archives, 2);
    assert!(report.warnings.is_empty());
}

#[test]
fn tar_tar_gz_and_plain_gz() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut g = Gen::new(2602);
    let env = format!("STRIPE_KEY={}\n", stripe(&mut g));
    let yml = format!("token: {}\n", checksummed("ghp_", &mut g));
    let tar = tar_of(&[
        ("conf/app.env", env.as_bytes()),
        ("conf/ci.yml", yml.as_bytes()),
    ]);
    write(root, "site.tar", &tar);
    write(root, "site.tar.gz", &gzip(&tar));
    write(root, "site.tgz", &gzip(&tar));
    // A plain .gz: the content is named by the header when it names it,
    // else by the file's name without `.gz`.
    write(root, "settings.env.gz", &gzip(env.as_bytes()));
    let mut named = flate2::GzBuilder::new()
        .filename("prod.env")
        .write(Vec::new(), Compression::default());
    named.write_all(env.as_bytes()).unwrap();
    write(root, "backup.gz", &named.finish().unwrap());

    let report = scan_with(&scanner(), root);
    assert_eq!(
        found(root, &report),
        [
            pair("backup.gz!prod.env", "stripe-live-secret-key"),
            pair("settings.env.gz!settings.env", "stripe-live-secret-key"),
            pair("site.tar!conf/app.env", "stripe-live-secret-key"),
            pair("site.tar!conf/ci.yml", "github-pat"),
            pair("site.tar.gz!conf/app.env", "stripe-live-secret-key"),
            pair("site.tar.gz!conf/ci.yml", "github-pat"),
            pair("site.tgz!conf/app.env", "stripe-live-secret-key"),
            pair("site.tgz!conf/ci.yml", "github-pat"),
        ]
    );
    // A tar inside gzip is one archive.
    assert_eq!(report.stats.archives, 5);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

/// `docker save` and `podman save` tarballs, laid out as podman 4 writes
/// them (checked against real ones: `buildah bud` of a `FROM scratch`
/// image, then `podman save --format docker-archive` and `--format
/// oci-archive`): Docker's format has each layer as `<digest>.tar` and a
/// symlink `<id>/layer.tar` to it; OCI's has gzipped layers as blobs
/// without a name. A layer's file is found once, at its bang path.
#[test]
fn container_images_from_docker_and_podman_save() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut g = Gen::new(2605);
    let env = format!("STRIPE_KEY={}\n", stripe(&mut g));
    let layer = tar_of(&[("etc/app.env", env.as_bytes())]);
    let config = br#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers"}}"#;
    let (layer_id, config_id) = ("16a21eb214b8e6c2", "7438b0651082fc64");

    let mut docker = tar::Builder::new(Vec::new());
    append_file(&mut docker, &format!("{layer_id}.tar"), &layer);
    append_file(&mut docker, &format!("{config_id}.json"), config);
    let mut link = tar::Header::new_gnu();
    link.set_entry_type(tar::EntryType::Symlink);
    link.set_size(0);
    docker
        .append_link(
            &mut link,
            "52adf578/layer.tar",
            format!("../{layer_id}.tar"),
        )
        .unwrap();
    append_file(&mut docker, "52adf578/VERSION", b"1.0");
    let manifest = format!(
        r#"[{{"Config":"{config_id}.json","RepoTags":["localhost/app:1"],"Layers":["{layer_id}.tar"]}}]"#
    );
    append_file(&mut docker, "manifest.json", manifest.as_bytes());
    write(root, "app-docker.tar", &docker.into_inner().unwrap());

    let oci = tar_of(&[
        (&format!("blobs/sha256/{layer_id}"), &gzip(&layer)),
        (&format!("blobs/sha256/{config_id}"), config),
        ("index.json", br#"{"schemaVersion":2,"manifests":[]}"#),
        ("oci-layout", br#"{"imageLayoutVersion":"1.0.0"}"#),
    ]);
    write(root, "app-oci.tar", &oci);

    let report = scan_with(&scanner(), root);
    assert_eq!(
        found(root, &report),
        [
            pair(
                &format!("app-docker.tar!{layer_id}.tar!etc/app.env"),
                "stripe-live-secret-key"
            ),
            pair(
                &format!("app-oci.tar!blobs/sha256/{layer_id}!etc/app.env"),
                "stripe-live-secret-key"
            ),
        ]
    );
    // Two images, two layers.
    assert_eq!(report.stats.archives, 4);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

#[test]
fn nesting_stops_at_depth_three_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut g = Gen::new(2603);
    let (shallow, deep) = (checksummed("ghp_", &mut g), checksummed("ghp_", &mut g));
    let l4 = zip_of(&[("deep.txt", format!("t = {deep}\n").as_bytes())]);
    let l3 = zip_of(&[
        ("l4.zip", &l4),
        ("found.txt", format!("t = {shallow}\n").as_bytes()),
    ]);
    let l2 = zip_of(&[("l3.zip", &l3)]);
    write(root, "l1.zip", &zip_of(&[("l2.zip", &l2)]));

    let report = scan_with(&scanner(), root);
    assert_eq!(
        found(root, &report),
        [pair("l1.zip!l2.zip!l3.zip!found.txt", "github-pat")]
    );
    assert_eq!(
        warned(root, &report),
        [("l1.zip!l2.zip!l3.zip!l4.zip".to_owned(), ArchiveSkip::Depth)]
    );
    assert_eq!(report.stats.archives, 3);
    assert!(report.errors.is_empty());
}

/// A raw deflate stream of `mib` MiB of the byte `fill`, made without
/// compressing them all: one sync-flushed block for 1 MiB (it ends on a
/// byte and refers only to `fill`s), repeated, then an empty final block.
fn deflated_fill(fill: u8, mib: usize) -> Vec<u8> {
    let mut e = DeflateEncoder::new(Vec::new(), Compression::best());
    e.write_all(&vec![fill; 1 << 20]).unwrap();
    e.flush().unwrap();
    let block = e.get_ref().clone();
    let mut out = block.repeat(mib);
    out.extend_from_slice(
        &DeflateEncoder::new(Vec::new(), Compression::fast())
            .finish()
            .unwrap(),
    );
    out
}

/// A one-entry zip written by hand, so that its header can say anything.
fn raw_zip(name: &str, method: u16, compressed: &[u8], claimed: u32) -> Vec<u8> {
    let n = u16::try_from(name.len()).unwrap();
    let c = u32::try_from(compressed.len()).unwrap();
    let mut z = Vec::new();
    // Local file header; the CRC is never reached.
    z.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    for v in [20u16, 0, method, 0, 0x21] {
        z.extend_from_slice(&v.to_le_bytes());
    }
    for v in [0u32, c, claimed] {
        z.extend_from_slice(&v.to_le_bytes());
    }
    z.extend_from_slice(&n.to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z.extend_from_slice(name.as_bytes());
    z.extend_from_slice(compressed);
    let cd_start = u32::try_from(z.len()).unwrap();
    z.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
    for v in [20u16, 20, 0, method, 0, 0x21] {
        z.extend_from_slice(&v.to_le_bytes());
    }
    for v in [0u32, c, claimed] {
        z.extend_from_slice(&v.to_le_bytes());
    }
    for v in [n, 0, 0, 0, 0] {
        z.extend_from_slice(&v.to_le_bytes());
    }
    for v in [0u32, 0] {
        z.extend_from_slice(&v.to_le_bytes());
    }
    z.extend_from_slice(name.as_bytes());
    let cd_size = u32::try_from(z.len()).unwrap() - cd_start;
    z.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    for v in [0u16, 0, 1, 1] {
        z.extend_from_slice(&v.to_le_bytes());
    }
    for v in [cd_size, cd_start] {
        z.extend_from_slice(&v.to_le_bytes());
    }
    z.extend_from_slice(&0u16.to_le_bytes());
    z
}

/// The most memory this process has held (Linux), in bytes.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[test]
fn the_bombs_are_skipped_with_a_warning_and_the_scan_goes_on() {
    // The crafted stream is real deflate: 3 MiB of zeros.
    let mut small = Vec::new();
    flate2::read::DeflateDecoder::new(&deflated_fill(0, 3)[..])
        .read_to_end(&mut small)
        .unwrap();
    assert!(small.len() == 3 << 20 && small.iter().all(|&b| b == 0));

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut g = Gen::new(2604);
    let token = checksummed("ghp_", &mut g);
    write(root, "beside.txt", format!("t = {token}\n").as_bytes());
    // 1 GiB of zeros in about 1 MiB, as its header says.
    let gib = deflated_fill(0, 1024);
    assert!(gib.len() < 2 << 20);
    write(root, "bomb.zip", &raw_zip("zeros.bin", 8, &gib, 1 << 30));
    // 64 MiB of text whose header claims 1000 bytes: caught while read.
    let liar = raw_zip("a.txt", 8, &deflated_fill(b'a', 64), 1000);
    write(root, "liar.zip", &liar);
    // A tar.gz whose one entry is 1 GiB of zeros: gzip members of 1 MiB
    // each, one compressed and repeated.
    let mut h = tar::Header::new_ustar();
    h.set_path("zeros.log").unwrap();
    h.set_size(1 << 30);
    h.set_mode(0o644);
    h.set_cksum();
    let mut tgz = gzip(h.as_bytes());
    tgz.extend(gzip(&vec![0u8; 1 << 20]).repeat(1024));
    assert!(tgz.len() < 4 << 20);
    write(root, "bomb.tar.gz", &tgz);

    let report = scan_with(&scanner(), root);
    assert_eq!(found(root, &report), [pair("beside.txt", "github-pat")]);
    let mut warnings = warned(root, &report);
    warnings.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(warnings.len(), 3, "{warnings:?}");
    assert_eq!(
        warnings[0],
        ("bomb.tar.gz".to_owned(), ArchiveSkip::Bomb),
        "{warnings:?}"
    );
    assert_eq!(
        warnings[1],
        ("bomb.zip!zeros.bin".to_owned(), ArchiveSkip::Bomb)
    );
    assert_eq!(
        warnings[2],
        ("liar.zip!a.txt".to_owned(), ArchiveSkip::Bomb)
    );
    assert!(report.errors.is_empty());
    if let Some(peak) = peak_rss() {
        assert!(peak < 1 << 30, "peak memory {peak} bytes");
    }
}

#[test]
fn expansion_past_the_archive_limit_stops_with_a_warning() {
    // 300 MiB that compress about 50 times (no bomb): one sparse entry of
    // a tar.gz, in gzip members of 1 MiB, one compressed and repeated.
    let mut g = Gen::new(2611);
    let mut mib = vec![0u8; 1 << 20];
    for i in (0..mib.len()).step_by(200) {
        mib[i] = g.from("abcdefghijklmnopqrstuvwxyz", 1).as_bytes()[0];
    }
    let member = gzip(&mib);
    let ratio = mib.len() / member.len();
    assert!((10..MAX_RATIO_USIZE).contains(&ratio), "ratio {ratio}");
    let mut h = tar::Header::new_ustar();
    h.set_path("sparse.bin").unwrap();
    h.set_size(300 << 20);
    h.set_mode(0o644);
    h.set_cksum();
    let mut tgz = gzip(h.as_bytes());
    tgz.extend(member.repeat(300));
    let report = archive::scan_archive(&scanner(), "big.tgz", &tgz).unwrap();
    assert_eq!(
        report.warnings,
        [ScanWarning::Archive {
            path: "big.tgz".into(),
            skip: ArchiveSkip::Expanded {
                limit: keywarden_scan::config::DEFAULT_MAX_ARCHIVE_SIZE
            }
        }]
    );
    // Nested, the warning names the archive file whose total it is.
    assert!(tgz.len() < 10 << 20);
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    w.start_file("dist/big.tgz", stored).unwrap();
    w.write_all(&tgz).unwrap();
    let zip = w.finish().unwrap().into_inner();
    let report = archive::scan_archive(&scanner(), "outer.zip", &zip).unwrap();
    assert_eq!(
        report.warnings,
        [ScanWarning::Archive {
            path: "outer.zip".into(),
            skip: ArchiveSkip::Expanded {
                limit: keywarden_scan::config::DEFAULT_MAX_ARCHIVE_SIZE
            }
        }]
    );
}

const MAX_RATIO_USIZE: usize = keywarden_scan::archive::MAX_RATIO as usize;

#[test]
fn a_corrupt_archive_is_a_warning_and_the_rest_is_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut g = Gen::new(2605);
    let (a, b) = (checksummed("ghp_", &mut g), checksummed("ghp_", &mut g));
    let zip = zip_of(&[("a.txt", format!("t = {a}\n").as_bytes())]);
    write(root, "truncated.zip", &zip[..zip.len() / 2]);
    // b.txt, then 64 KiB that compress poorly, cut short.
    let noise = g.alnum(64 * 1024);
    let tgz = gzip(&tar_of(&[
        ("b.txt", format!("t = {b}\n").as_bytes()),
        ("noise.txt", noise.as_bytes()),
    ]));
    write(root, "truncated.tgz", &tgz[..tgz.len() - 100]);
    // A log cut short: its first part is scanned all the same.
    let log = gzip(format!("t = {a}\n{noise}\n").as_bytes());
    write(root, "app.log.gz", &log[..log.len() - 100]);
    write(root, "fine.txt", format!("t = {b}\n").as_bytes());

    let report = scan_with(&scanner(), root);
    // The truncated tgz's entry precedes the damage: found.
    assert_eq!(
        found(root, &report),
        [
            pair("app.log.gz!app.log", "github-pat"),
            pair("fine.txt", "github-pat"),
            pair("truncated.tgz!b.txt", "github-pat"),
        ]
    );
    let warnings = warned(root, &report);
    assert_eq!(warnings.len(), 3, "{warnings:?}");
    for (path, skip) in &warnings {
        assert!(
            ["app.log.gz", "truncated.tgz", "truncated.zip"].contains(&path.as_str()),
            "{path}"
        );
        assert!(matches!(skip, ArchiveSkip::Corrupt(_)), "{skip:?}");
    }
    let shown = report.warnings[0].to_string();
    assert!(shown.contains("archive not read to the end"), "{shown}");
    assert!(report.errors.is_empty());
}

#[test]
fn archives_false_searches_only_for_verified_keys_and_no_archives_skips() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut g = Gen::new(2606);
    let env = format!(
        "STRIPE_KEY={}\nGH_TOKEN={}\n",
        stripe(&mut g),
        checksummed("ghp_", &mut g)
    );
    write(root, "app.zip", &zip_of(&[("app.env", env.as_bytes())]));
    write(
        root,
        "vendor/lib.zip",
        &zip_of(&[("lib.env", env.as_bytes())]),
    );
    write(root, ".keywardenignore", b"vendor/\n");

    let open = scan_with(&scanner(), root);
    assert_eq!(
        found(root, &open),
        [
            pair("app.zip!app.env", "github-pat"),
            pair("app.zip!app.env", "stripe-live-secret-key"),
            // Kept out by the ignore file: checksum-verified keys only.
            pair("vendor/lib.zip!lib.env", "github-pat"),
        ]
    );
    assert_eq!(open.stats.ignored, 1);

    // `archives = false` in a repository's file: nothing it holds hides a
    // checksum-verified key, so archives are still searched for those.
    let cfg = Config::from_toml("[scan]\narchives = false\n", Path::new("x")).unwrap();
    assert_eq!(cfg.archives, Archives::VerifiedOnly);
    let report = scan_with(&Scanner::new(&cfg).unwrap(), root);
    assert_eq!(
        found(root, &report),
        [
            pair("app.zip!app.env", "github-pat"),
            pair("vendor/lib.zip!lib.env", "github-pat"),
        ]
    );

    // --no-archives: not opened, skipped as binary.
    let mut cfg = Config::default();
    cfg.archives = Archives::Skipped;
    let report = scan_with(&Scanner::new(&cfg).unwrap(), root);
    assert_eq!(found(root, &report), []);
    assert_eq!(report.stats.archives, 0);
    assert_eq!(report.stats.skipped_binary, 2);
    assert!(archive::scan_archive(&Scanner::new(&cfg).unwrap(), "a.zip", &[]).is_none());
}

#[test]
fn archive_settings_are_read_and_checked() {
    let cfg = Config::from_toml(
        "[scan]\narchives = true\nmax_archive_size = 4096\n",
        Path::new("x"),
    )
    .unwrap();
    assert_eq!((cfg.archives, cfg.max_archive_size), (Archives::Open, 4096));
    let s = Scanner::new(&cfg).unwrap();
    assert_eq!(s.max_archive_size(), 4096);
    // Below the default, the limit narrows the full scan only.
    assert_eq!(
        s.verified_max_archive_size(),
        keywarden_scan::config::DEFAULT_MAX_ARCHIVE_SIZE
    );
    let err = Config::from_toml("[scan]\nmax_archive_size = 0\n", Path::new("x")).unwrap_err();
    assert!(err.to_string().contains("max_archive_size"), "{err}");

    // An archive over the configured limit: opened for verified keys only.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut g = Gen::new(2607);
    let mut env = format!(
        "STRIPE_KEY={}\nGH_TOKEN={}\n",
        stripe(&mut g),
        checksummed("ghp_", &mut g)
    );
    env.push_str(&g.hex(4000));
    let zip = zip_of(&[("app.env", env.as_bytes())]);
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    w.start_file("big.env", stored).unwrap();
    w.write_all(env.as_bytes()).unwrap();
    let big = w.finish().unwrap().into_inner();
    assert!(zip.len() <= 4096 && big.len() > 4096);
    write(root, "small.zip", &zip[..]);
    write(root, "big.zip", &big);
    let report = scan_with(&s, root);
    assert_eq!(
        found(root, &report),
        [
            pair("big.zip!big.env", "github-pat"),
            pair("small.zip!app.env", "github-pat"),
            pair("small.zip!app.env", "stripe-live-secret-key"),
        ]
    );
}

#[test]
fn allowlists_and_pkcs12_entries() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut g = Gen::new(2608);
    let env = format!(
        "STRIPE_KEY={}\nGH_TOKEN={}\n",
        stripe(&mut g),
        checksummed("ghp_", &mut g)
    );
    let mut pfx = vec![
        0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x03, 0x30, 0x80, 0x00, 0x00,
    ];
    pfx.extend(std::iter::repeat_n(0xA5u8, 245));
    let zip = zip_of(&[("app.env", env.as_bytes()), ("certs/client.p12", &pfx)]);
    write(root, "fixtures/a.zip", &zip);
    write(root, "b.zip", &zip);
    let cfg = Config::from_toml(
        "[allowlist]\npaths = [\"fixtures/*.zip\", \"b.zip!certs/**\"]\n",
        Path::new("x"),
    )
    .unwrap();
    let report = scan_with(&Scanner::new(&cfg).unwrap(), root);
    assert_eq!(
        found(root, &report),
        [
            pair("b.zip!app.env", "github-pat"),
            pair("b.zip!app.env", "stripe-live-secret-key"),
            // An allowlisted archive covers its entries, but never a
            // checksum-verified key.
            pair("fixtures/a.zip!app.env", "github-pat"),
        ]
    );
    // a.zip's Stripe key and PKCS#12 entry, b.zip's PKCS#12 entry.
    assert_eq!(report.stats.allowlisted, 3);

    let report = scan_with(&scanner(), root);
    assert!(found(root, &report).contains(&pair("b.zip!certs/client.p12", "pkcs12-file")));
}

#[test]
fn lock_files_inside_archives_are_lock_files() {
    assert!(keywarden_scan::rules::is_lock_file(
        "app.zip!package-lock.json"
    ));
    assert!(keywarden_scan::rules::is_lock_file("a.tgz!pkg/yarn.lock"));
}

#[test]
fn too_many_entries_is_a_warning() {
    let names: Vec<String> = (0..=keywarden_scan::archive::MAX_ENTRIES)
        .map(|i| format!("f{i}"))
        .collect();
    let mut b = tar::Builder::new(Vec::new());
    for name in &names {
        let mut h = tar::Header::new_ustar();
        h.set_size(0);
        h.set_entry_type(tar::EntryType::Regular);
        b.append_data(&mut h, name, &[][..]).unwrap();
    }
    let tar = b.into_inner().unwrap();
    let report = archive::scan_archive(&scanner(), "many.tar", &tar).unwrap();
    assert_eq!(
        report.warnings,
        [ScanWarning::Archive {
            path: "many.tar".into(),
            skip: ArchiveSkip::Entries
        }]
    );
}

#[test]
fn json_and_sarif_carry_bang_paths_unchanged() {
    let mut g = Gen::new(2609);
    let yml = format!("token: {}\n", checksummed("ghp_", &mut g));
    let jar = zip_of(&[("config/application.yml", yml.as_bytes())]);
    let zip = zip_of(&[("lib/app.jar", &jar)]);
    let s = scanner();
    let report = archive::scan_archive(&s, "dist/outer.zip", &zip).unwrap();
    let path = "dist/outer.zip!lib/app.jar!config/application.yml";
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].path, path);
    assert_eq!(report.stats.archives, 2);

    let mut out = Vec::new();
    report::write_json(
        &mut out,
        &report.findings,
        &report.stats,
        Default::default(),
    )
    .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(json["findings"][0]["path"], path);
    assert_eq!(json["summary"]["archives"], 2);

    let mut out = Vec::new();
    report::write_sarif(
        &mut out,
        &report.findings,
        s.rules(),
        &report.stats,
        Default::default(),
    )
    .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let uri = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"];
    assert_eq!(uri, path);
}

/// One scanner and a few real archives for every case of the property
/// test (building a scanner compiles every rule).
fn shared() -> &'static (Scanner, Vec<Vec<u8>>) {
    static SHARED: std::sync::OnceLock<(Scanner, Vec<Vec<u8>>)> = std::sync::OnceLock::new();
    SHARED.get_or_init(|| {
        let inner = tar_of(&[("a.txt", b"x = 1\n"), ("b.env", b"k = v\n")]);
        let real = vec![
            zip_of(&[
                ("a.txt", b"x = 1\n"),
                ("n.zip", &zip_of(&[("b.txt", b"y\n")])),
            ]),
            gzip(&inner),
            inner,
        ];
        (scanner(), real)
    })
}

/// Every magic header the scanner knows, to put before random bytes.
const MAGICS: [&[u8]; 3] = [b"PK\x03\x04", &[0x1f, 0x8b, 0x08], b""];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Random bytes behind a magic header, and damaged real archives,
    /// never panic, and whatever is found is inside the archive.
    #[test]
    fn random_and_damaged_archives_never_panic(
        magic in 0..MAGICS.len(),
        tail in proptest::collection::vec(any::<u8>(), 0..2048),
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        cut in any::<usize>(),
    ) {
        let (s, real) = shared();
        let mut bytes = MAGICS[magic].to_vec();
        bytes.extend_from_slice(&tail);
        if let Some(r) = archive::scan_archive(s, "fuzz.bin", &bytes) {
            prop_assert!(r.findings.iter().all(|f| f.path.starts_with("fuzz.bin!")));
        }
        for real in real {
            let mut damaged = real.clone();
            for &(at, b) in &flips {
                let i = at % damaged.len();
                damaged[i] ^= b | 1;
            }
            let _ = archive::scan_archive(s, "d.zip", &damaged);
            let _ = archive::scan_archive(s, "t.zip", &real[..cut % real.len()]);
        }
    }
}

#[test]
fn paths_in_a_walk_are_the_roots_own() {
    // A root given as a file path shows the archive under it.
    let dir = tempfile::tempdir().unwrap();
    let mut g = Gen::new(2610);
    let zip = zip_of(&[(
        "k.txt",
        format!("{}\n", checksummed("ghp_", &mut g)).as_bytes(),
    )]);
    let file: PathBuf = dir.path().join("one.jar");
    std::fs::write(&file, zip).unwrap();
    let report = scan_paths(
        &scanner(),
        std::slice::from_ref(&file),
        1,
        &Progress::default(),
    )
    .unwrap();
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].path, format!("{}!k.txt", file.display()));
}
