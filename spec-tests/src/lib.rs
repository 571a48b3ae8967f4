//! A runner for the consensus-spec-tests vectors of v0.12.3.
//!
//! The vectors live outside the repository, in the directory named by `SHARDNET_SPEC_TESTS`
//! (layout `<preset>/<fork>/<runner>/<handler>/<suite>/<case>/`). Each [`Handler`] names one
//! `<preset>/<fork>/<runner>/<handler>` directory and the function that runs one case of it.
//! [`run_runner`] visits every case, prints a per-handler count of passed, failed and skipped
//! cases (each skip with its reason), and fails when a case fails or when a handler directory
//! that exists under the runner's root was not run by any handler.

pub mod handlers;

use std::collections::BTreeSet;
use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

/// Prints a line of the runner's report straight to standard error, past the test harness's
/// output capture, so that the counts show in every run and not only with `--nocapture`.
#[macro_export]
macro_rules! report {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

/// The environment variable naming the vectors' root directory.
pub const VECTORS_ENV: &str = "SHARDNET_SPEC_TESTS";

/// Why a case did not pass.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    /// The case's result differs from the expected one.
    #[error("{what}: expected {expected}, got {got}")]
    Mismatch {
        /// What was compared.
        what: String,
        /// The vector's value.
        expected: String,
        /// Ours.
        got: String,
    },
    /// The case expected a failure that did not happen, or the reverse.
    #[error("{0}")]
    Unexpected(String),
    /// A file of the case could not be read.
    #[error("reading {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A YAML file of the case could not be parsed.
    #[error("parsing {path}: {source}")]
    Yaml {
        /// The file.
        path: PathBuf,
        /// The error.
        source: serde_yaml_ng::Error,
    },
    /// An SSZ file of the case could not be decoded.
    #[error("decoding {path}: {message}")]
    Ssz {
        /// The file.
        path: PathBuf,
        /// The decoder's message.
        message: String,
    },
}

impl CaseError {
    /// A mismatch between the vector's value and ours.
    pub fn mismatch(
        what: impl Into<String>,
        expected: impl fmt::Debug,
        got: impl fmt::Debug,
    ) -> Self {
        Self::Mismatch {
            what: what.into(),
            expected: format!("{expected:?}"),
            got: format!("{got:?}"),
        }
    }
}

/// The result of one case.
#[derive(Debug)]
pub enum Outcome {
    /// The case passed.
    Passed,
    /// The case was not run, for the reason given.
    Skipped(String),
}

/// One case directory.
#[derive(Debug, Clone)]
pub struct Case {
    /// The case directory.
    pub path: PathBuf,
    /// `<suite>/<case>`, for messages.
    pub name: String,
}

impl Case {
    /// The path of a file of this case.
    pub fn file(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// Whether the case has a file of that name.
    pub fn has(&self, name: &str) -> bool {
        self.file(name).exists()
    }

    /// The bytes of a file of this case.
    pub fn bytes(&self, name: &str) -> Result<Vec<u8>, CaseError> {
        let path = self.file(name);
        std::fs::read(&path).map_err(|source| CaseError::Io { path, source })
    }

    /// A YAML file of this case, deserialized.
    pub fn yaml<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<T, CaseError> {
        let path = self.file(name);
        let text = std::fs::read_to_string(&path).map_err(|source| CaseError::Io {
            path: path.clone(),
            source,
        })?;
        serde_yaml_ng::from_str(&text).map_err(|source| CaseError::Yaml { path, source })
    }

    /// An SSZ file of this case, decoded, or `None` when the case has no such file (a missing
    /// `post.ssz` means the input must be refused).
    pub fn ssz_if_present<T: ssz::Decode>(&self, name: &str) -> Result<Option<T>, CaseError> {
        if self.has(name) {
            self.ssz(name).map(Some)
        } else {
            Ok(None)
        }
    }

    /// The signature modes to run this case in, from `bls_setting` in its `meta.yaml` (absent:
    /// 0). Settings 0 and 1 run with signatures checked one by one and in one batch; 2 runs
    /// with signatures skipped.
    pub fn signature_modes(&self) -> Result<&'static [SignatureMode], CaseError> {
        #[derive(serde::Deserialize, Default)]
        struct Meta {
            #[serde(default)]
            bls_setting: u8,
        }
        let meta: Meta = if self.has("meta.yaml") {
            self.yaml("meta.yaml")?
        } else {
            Meta::default()
        };
        match meta.bls_setting {
            0 | 1 => Ok(&[SignatureMode::Individually, SignatureMode::Batch]),
            2 => Ok(&[SignatureMode::Skip]),
            other => Err(CaseError::Unexpected(format!(
                "unknown bls_setting {other}"
            ))),
        }
    }

    /// An SSZ file of this case, decoded.
    pub fn ssz<T: ssz::Decode>(&self, name: &str) -> Result<T, CaseError> {
        let bytes = self.bytes(name)?;
        T::from_ssz_bytes(&bytes).map_err(|e| CaseError::Ssz {
            path: self.file(name),
            message: format!("{e:?}"),
        })
    }
}

/// How one run of a case treats signatures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureMode {
    /// Each signature checked when it is met.
    Individually,
    /// Signatures collected and checked in one batch.
    Batch,
    /// No signature checked (`bls_setting` 2).
    Skip,
}

/// The function that runs one case of a handler.
pub type CaseFn = fn(&Case) -> Result<Outcome, CaseError>;

/// A handler directory and how to run its cases.
#[derive(Clone, Copy)]
pub struct Handler {
    /// `minimal`, `mainnet` or `general`.
    pub preset: &'static str,
    /// `phase0` or `phase1`.
    pub fork: &'static str,
    /// The runner, e.g. `bls`, `ssz_static`, `operations`.
    pub runner: &'static str,
    /// The handler, e.g. `verify`, `BeaconState`, `attestation`.
    pub handler: &'static str,
    /// Runs one case.
    pub run: CaseFn,
}

impl Handler {
    /// `<preset>/<fork>/<runner>/<handler>`.
    pub fn rel_path(&self) -> PathBuf {
        [self.preset, self.fork, self.runner, self.handler]
            .iter()
            .collect()
    }
}

/// The counts of one handler.
#[derive(Debug, Default)]
pub struct HandlerReport {
    /// `<preset>/<fork>/<runner>/<handler>`.
    pub name: String,
    /// Cases that passed.
    pub passed: usize,
    /// Cases that failed, with their error.
    pub failed: Vec<(String, String)>,
    /// Cases skipped, with the reason.
    pub skipped: Vec<(String, String)>,
}

/// Where the vectors are, or `None` (with the reason printed) when they are absent outside CI.
///
/// In CI (`CI=true`) a missing directory is a failure: the vectors must run there.
pub fn vectors_root() -> Option<PathBuf> {
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    // A relative path is taken from the workspace root, where the README's command runs, not
    // from this crate's directory, where cargo starts the test binary.
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let problem = match std::env::var_os(VECTORS_ENV).map(|dir| workspace.join(dir)) {
        Some(dir) if dir.is_dir() => return Some(dir),
        Some(dir) => format!("{VECTORS_ENV}={} is not a directory", dir.display()),
        None => format!("{VECTORS_ENV} is not set"),
    };
    assert!(!in_ci, "{problem}: in CI the spec vectors must run");
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        report!(
            "spec vectors skipped ({problem}): point {VECTORS_ENV} at consensus-spec-tests v0.12.3 \
             (`npm pack @chainsafe/eth2-spec-tests@0.12.3` carries them)"
        );
    });
    None
}

fn sorted_subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Runs every case of one handler.
pub fn run_handler(root: &Path, handler: &Handler) -> HandlerReport {
    let dir = root.join(handler.rel_path());
    let mut report = HandlerReport {
        name: handler.rel_path().display().to_string(),
        ..Default::default()
    };
    for suite in sorted_subdirs(&dir) {
        for case_dir in sorted_subdirs(&suite) {
            let case = Case {
                name: format!("{}/{}", file_name(&suite), file_name(&case_dir)),
                path: case_dir,
            };
            let outcome = std::panic::catch_unwind(|| (handler.run)(&case));
            match outcome {
                Ok(Ok(Outcome::Passed)) => report.passed += 1,
                Ok(Ok(Outcome::Skipped(reason))) => report.skipped.push((case.name, reason)),
                Ok(Err(e)) => report.failed.push((case.name, e.to_string())),
                Err(panic) => {
                    let message = panic
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                        .unwrap_or_default();
                    report
                        .failed
                        .push((case.name, format!("panicked: {message}")));
                }
            }
        }
    }
    report
}

/// Runs the handlers registered for one runner directory (`<preset>/<fork>/<runner>`), prints
/// their counts, and panics if any case failed, if a handler directory present on disk has no
/// handler, or if a registered handler's directory holds no case.
pub fn run_runner(preset: &str, fork: &str, runner: &str) {
    let Some(root) = vectors_root() else { return };
    let runner_dir: PathBuf = [preset, fork, runner].iter().collect();
    let registered: Vec<&Handler> = handlers::all()
        .filter(|h| h.preset == preset && h.fork == fork && h.runner == runner)
        .collect();
    let mut problems = Vec::new();
    // One write per runner, so that runners running in parallel do not interleave their tables.
    let mut out = String::new();
    if !root.join(&runner_dir).is_dir() {
        // The shared copy may leave runners out; that is reported, not failed.
        report!(
            "{}: not present in {}",
            runner_dir.display(),
            root.display()
        );
        return;
    }
    let on_disk: BTreeSet<String> = sorted_subdirs(&root.join(&runner_dir))
        .iter()
        .map(|p| file_name(p))
        .collect();
    for name in &on_disk {
        if !registered.iter().any(|h| h.handler == name) {
            problems.push(format!(
                "{}/{name}: present but no handler runs it",
                runner_dir.display()
            ));
        }
    }
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for handler in registered.iter().filter(|h| on_disk.contains(h.handler)) {
        let report = run_handler(&root, handler);
        let _ = writeln!(
            out,
            "{:<64} {:>5} passed {:>4} failed {:>4} skipped",
            report.name,
            report.passed,
            report.failed.len(),
            report.skipped.len()
        );
        for (case, reason) in &report.skipped {
            let _ = writeln!(out, "    skipped {case}: {reason}");
        }
        for (case, error) in &report.failed {
            let _ = writeln!(out, "    FAILED {case}: {error}");
            problems.push(format!("{}/{case}: {error}", report.name));
        }
        if report.passed + report.failed.len() + report.skipped.len() == 0 {
            problems.push(format!("{}: no case found", report.name));
        }
        passed += report.passed;
        failed += report.failed.len();
        skipped += report.skipped.len();
    }
    let _ = writeln!(
        out,
        "{}: {passed} passed, {failed} failed, {skipped} skipped",
        runner_dir.display()
    );
    report!("{}", out.trim_end());
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Every runner directory (`<preset>/<fork>/<runner>`) present under the root.
pub fn runner_dirs_on_disk(root: &Path) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for preset in sorted_subdirs(root) {
        for fork in sorted_subdirs(&preset) {
            for runner in sorted_subdirs(&fork) {
                out.push((file_name(&preset), file_name(&fork), file_name(&runner)));
            }
        }
    }
    out
}

/// The number of cases of each handler under a runner directory.
pub fn count_cases(runner_dir: &Path) -> Vec<(String, usize)> {
    sorted_subdirs(runner_dir)
        .iter()
        .map(|handler| {
            let cases = sorted_subdirs(handler)
                .iter()
                .map(|suite| sorted_subdirs(suite).len())
                .sum();
            (file_name(handler), cases)
        })
        .collect()
}
