use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// Where "now" comes from. Tests hold a manual clock and move it instead of sleeping.
#[derive(Clone, Debug, Default)]
pub enum Clock {
    #[default]
    System,
    Manual(Arc<AtomicI64>),
}

impl Clock {
    pub fn manual(start: i64) -> Self {
        Self::Manual(Arc::new(AtomicI64::new(start)))
    }

    /// Unix seconds.
    pub fn now(&self) -> i64 {
        match self {
            Self::System => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or_default(),
            Self::Manual(now) => now.load(Ordering::SeqCst),
        }
    }

    /// Moves a manual clock forward; a system clock cannot be moved.
    pub fn advance(&self, seconds: i64) {
        match self {
            Self::System => panic!("the system clock cannot be advanced"),
            Self::Manual(now) => {
                now.fetch_add(seconds, Ordering::SeqCst);
            }
        }
    }
}
