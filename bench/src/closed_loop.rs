//! A closed loop: `workers` clients, each sending its next request as soon as the last one
//! is answered, for a fixed time. What the reads and the transfers benchmarks share.

use std::future::Future;
use std::time::{Duration, Instant};

use crate::stats::Samples;

pub struct LoopRun {
    pub per_second: f64,
    /// Of the requests that succeeded.
    pub latencies: Samples,
    pub failures: usize,
}

/// Runs `request(worker, n)` (true: it succeeded) in `workers` loops for `seconds`.
pub async fn run<F, Fut>(workers: usize, seconds: u64, request: F) -> anyhow::Result<LoopRun>
where
    F: Fn(usize, u64) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = bool> + Send,
{
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..workers {
        let request = request.clone();
        tasks.spawn(async move {
            let (mut samples, mut failures, mut n) = (Samples::default(), 0usize, 0u64);
            while Instant::now() < deadline {
                let begun = Instant::now();
                if request(worker, n).await {
                    samples.push(begun.elapsed());
                } else {
                    failures += 1;
                }
                n += 1;
            }
            (samples, failures)
        });
    }
    let (mut latencies, mut failures) = (Samples::default(), 0);
    while let Some(result) = tasks.join_next().await {
        let (samples, f) = result?;
        latencies.extend(samples);
        failures += f;
    }
    let per_second = latencies.len() as f64 / started.elapsed().as_secs_f64();
    Ok(LoopRun { per_second, latencies, failures })
}
