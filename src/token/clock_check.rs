//! The guide's note 1: codes come from the device clock, so a wrong clock gives wrong codes.
//! The server's time (from `/api/health`) is compared with the device's.

use leptos::prelude::*;

use crate::state::now_ms;

/// More than this apart, and the customer is told to fix the clock.
pub const TOLERANCE_SECONDS: f64 = 15.0;

/// Device minus server, in whole seconds; the server's time is truncated to its second.
pub fn offset_seconds(device_ms: f64, server_time: i64) -> f64 {
    (device_ms / 1000.0 - server_time as f64 - 0.5).round()
}

#[component]
pub fn ClockCheck(server_time: i64) -> impl IntoView {
    // Measured once, when the answer arrived; the device clock keeps its offset after that.
    let offset = offset_seconds(now_ms(), server_time);
    (offset.abs() > TOLERANCE_SECONDS).then(|| {
        let direction = if offset > 0.0 { "進んで" } else { "遅れて" };
        view! {
            <div class="notice clock-warning" role="alert">
                <h2>"端末の時刻がずれています"</h2>
                <p>{format!("この端末の時刻は、正しい時刻より約{}秒{direction}います。このままでは正しいワンタイムパスワードが表示されません。端末の設定で日付と時刻を「自動設定」にしてください。", offset.abs())}</p>
            </div>
        }
    })
}
