//! The engines' [`Progress`], drawn as an indicatif bar on a terminal.

use crate::progress::{Progress, Silent};

/// A byte progress bar.
pub struct Bar(indicatif::ProgressBar);

impl Progress for Bar {
    fn set_total(&self, bytes: u64) {
        self.0.set_length(bytes);
    }
    fn set_done(&self, bytes: u64) {
        self.0.set_position(bytes);
    }
    fn add_done(&self, bytes: u64) {
        self.0.inc(bytes);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

/// A bar on a terminal, nothing otherwise (cron, pipes, --quiet, --json).
pub fn bar(quiet: bool, json: bool, verb: &str) -> Box<dyn Progress> {
    if quiet || json || !crate::prompt::stderr_is_tty() {
        return Box::new(Silent);
    }
    let bar = indicatif::ProgressBar::new(0);
    let style = indicatif::ProgressStyle::with_template(&format!(
        "{verb} [{{elapsed_precise}}] {{wide_bar}} {{bytes}}/{{total_bytes}} {{binary_bytes_per_sec}} ETA {{eta}}"
    ))
    .expect("valid template");
    bar.set_style(style);
    Box::new(Bar(bar))
}
