//! Hang-up and terminate requests (an SSH connection dropping sends SIGHUP), turned
//! into a flag the event loop polls, so it can save drafts before it exits.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once SIGHUP or SIGTERM arrives. While installed, those signals no longer end
/// the process at once: the loop must notice [`StopRequest::requested`], save its
/// drafts and exit.
#[derive(Debug, Clone)]
pub struct StopRequest(Arc<AtomicBool>);

impl StopRequest {
    /// Catches SIGHUP and SIGTERM from now on.
    ///
    /// # Errors
    /// The OS error if a handler cannot be registered.
    pub fn install() -> std::io::Result<Self> {
        let flag = Arc::new(AtomicBool::new(false));
        for signal in [signal_hook::consts::SIGHUP, signal_hook::consts::SIGTERM] {
            signal_hook::flag::register(signal, Arc::clone(&flag))?;
        }
        Ok(Self(flag))
    }

    /// Whether a hang-up or terminate request has arrived.
    #[must_use]
    pub fn requested(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}
