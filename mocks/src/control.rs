//! Per-service counters and fault configuration, shared by the router (which
//! applies them) and the control API (which reads and sets them).

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use hyper::StatusCode;
use serde_json::{Map, Value, json};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Service {
    Catalog,
    Pricing,
    Inventory,
    Reviews,
    Recommendations,
    Users,
    Carts,
    Orders,
    Identity,
}

impl Service {
    pub const ALL: [Service; 9] = [
        Service::Catalog,
        Service::Pricing,
        Service::Inventory,
        Service::Reviews,
        Service::Recommendations,
        Service::Users,
        Service::Carts,
        Service::Orders,
        Service::Identity,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Service::Catalog => "catalog",
            Service::Pricing => "pricing",
            Service::Inventory => "inventory",
            Service::Reviews => "reviews",
            Service::Recommendations => "recommendations",
            Service::Users => "users",
            Service::Carts => "carts",
            Service::Orders => "orders",
            Service::Identity => "identity",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    fn index(self) -> usize {
        self as usize
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultMode {
    Ok,
    Status(StatusCode),
    Hang,
    Garbage,
    Reset,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fault {
    pub latency_ms: u64,
    pub mode: FaultMode,
    /// Applies to this many more requests, then the service is healthy again; `None` = until
    /// changed. Lets a test script "the first call fails, the retry succeeds".
    pub remaining: Option<u32>,
}

impl Fault {
    pub const NONE: Fault = Fault {
        latency_ms: 0,
        mode: FaultMode::Ok,
        remaining: None,
    };
}

#[derive(Debug, PartialEq, Eq)]
pub struct FaultRequest {
    pub targets: Vec<Service>,
    pub fault: Fault,
}

/// Longest latency a fault may add; keeps a typo from wedging a test run for days.
const MAX_LATENCY_MS: u64 = 600_000;

/// Parses the body of `POST /__control/faults`; `Err` is the error code for a 400.
pub fn parse_fault(body: &[u8]) -> Result<FaultRequest, String> {
    let value: Value = serde_json::from_slice(body).map_err(|_| "invalid_json".to_owned())?;
    let obj = value.as_object().ok_or("body_must_be_object")?;
    let service = obj
        .get("service")
        .and_then(Value::as_str)
        .ok_or("service_required")?;
    let targets = if service == "*" {
        Service::ALL.to_vec()
    } else {
        vec![Service::from_name(service).ok_or_else(|| format!("unknown_service: {service}"))?]
    };
    let latency_ms = match obj.get("latency_ms") {
        None | Some(Value::Null) => 0,
        Some(v) => v
            .as_u64()
            .filter(|ms| *ms <= MAX_LATENCY_MS)
            .ok_or("latency_ms_must_be_integer_0_to_600000")?,
    };
    let mode_name = match obj.get("mode") {
        None | Some(Value::Null) => "ok",
        Some(v) => v.as_str().ok_or("mode_must_be_string")?,
    };
    let mode = match mode_name {
        "ok" => FaultMode::Ok,
        "hang" => FaultMode::Hang,
        "garbage" => FaultMode::Garbage,
        "reset" => FaultMode::Reset,
        "status" => {
            let code = obj
                .get("status")
                .and_then(Value::as_u64)
                .ok_or("status_required_for_mode_status")?;
            let code = u16::try_from(code)
                .ok()
                .filter(|c| (100..=599).contains(c))
                .and_then(|c| StatusCode::from_u16(c).ok())
                .ok_or("status_must_be_100_to_599")?;
            FaultMode::Status(code)
        }
        other => return Err(format!("unknown_mode: {other}")),
    };
    let remaining = match obj.get("count") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .filter(|n| *n > 0)
                .ok_or("count_must_be_positive_integer")?,
        ),
    };
    Ok(FaultRequest {
        targets,
        fault: Fault {
            latency_ms,
            mode,
            remaining,
        },
    })
}

#[derive(Default)]
struct ServiceStats {
    requests: AtomicU64,
    bytes_sent: AtomicU64,
    last_request_id: Mutex<Option<String>>,
}

pub struct Control {
    stats: [ServiceStats; 9],
    faults: Mutex<[Fault; 9]>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

/// Keeps a request counted as in flight until dropped, including when hyper
/// drops the handler future because the client went away.
pub struct InFlight<'a> {
    control: &'a Control,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.control.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Default for Control {
    fn default() -> Self {
        Self::new()
    }
}

impl Control {
    pub fn new() -> Self {
        Self {
            stats: Default::default(),
            faults: Mutex::new([Fault::NONE; 9]),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
        }
    }

    fn stats(&self, service: Service) -> Option<&ServiceStats> {
        self.stats.get(service.index())
    }

    /// Records the start of a service request.
    pub fn begin(&self, service: Service, request_id: Option<String>) -> InFlight<'_> {
        if let Some(s) = self.stats(service) {
            s.requests.fetch_add(1, Ordering::SeqCst);
            *s.last_request_id.lock().unwrap_or_else(|e| e.into_inner()) = request_id;
        }
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight { control: self }
    }

    pub fn add_bytes(&self, service: Service, bytes: usize) {
        if let Some(s) = self.stats(service) {
            s.bytes_sent
                .fetch_add(u64::try_from(bytes).unwrap_or(u64::MAX), Ordering::SeqCst);
        }
    }

    /// The fault for the next request of `service`, counting down a limited one.
    pub fn take_fault(&self, service: Service) -> Fault {
        let mut faults = self.faults.lock().unwrap_or_else(|e| e.into_inner());
        let Some(slot) = faults.get_mut(service.index()) else {
            return Fault::NONE;
        };
        let fault = *slot;
        match slot.remaining {
            Some(n) if n <= 1 => *slot = Fault::NONE,
            Some(n) => slot.remaining = Some(n - 1),
            None => {}
        }
        fault
    }

    pub fn set_faults(&self, request: &FaultRequest) {
        let mut faults = self.faults.lock().unwrap_or_else(|e| e.into_inner());
        for s in &request.targets {
            if let Some(slot) = faults.get_mut(s.index()) {
                *slot = request.fault;
            }
        }
    }

    /// Clears faults and counters. The peak restarts at the requests still in
    /// flight (zero when idle) so it never reads below the live gauge.
    pub fn reset(&self) {
        *self.faults.lock().unwrap_or_else(|e| e.into_inner()) = [Fault::NONE; 9];
        for s in &self.stats {
            s.requests.store(0, Ordering::SeqCst);
            s.bytes_sent.store(0, Ordering::SeqCst);
            *s.last_request_id.lock().unwrap_or_else(|e| e.into_inner()) = None;
        }
        self.max_in_flight
            .store(self.in_flight.load(Ordering::SeqCst), Ordering::SeqCst);
    }

    #[cfg(test)]
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    pub fn stats_json(&self, orders_created: u64) -> Value {
        let mut services = Map::new();
        for service in Service::ALL {
            if let Some(s) = self.stats(service) {
                let last = s
                    .last_request_id
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .clone();
                services.insert(
                    service.name().to_owned(),
                    json!({
                        "requests": s.requests.load(Ordering::SeqCst),
                        "last_request_id": last,
                        "bytes_sent": s.bytes_sent.load(Ordering::SeqCst),
                    }),
                );
            }
        }
        json!({
            "services": services,
            "max_in_flight": self.max_in_flight.load(Ordering::SeqCst),
            "in_flight": self.in_flight.load(Ordering::SeqCst),
            "orders_created": orders_created,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<FaultRequest, String> {
        parse_fault(s.as_bytes())
    }

    #[test]
    fn counted_fault_applies_to_the_next_requests_only() {
        let c = Control::new();
        c.set_faults(
            &parse(r#"{"service":"pricing","mode":"status","status":503,"count":2}"#).unwrap(),
        );
        let status = FaultMode::Status(StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(c.take_fault(Service::Pricing).mode, status);
        assert_eq!(c.take_fault(Service::Pricing).mode, status);
        assert_eq!(c.take_fault(Service::Pricing), Fault::NONE);
        assert!(parse(r#"{"service":"pricing","count":0}"#).is_err());
    }

    #[test]
    fn fault_parsing_accepts_valid_bodies() {
        let r = parse(r#"{"service":"reviews","latency_ms":250,"mode":"status","status":503}"#)
            .unwrap();
        assert_eq!(r.targets, vec![Service::Reviews]);
        assert_eq!(r.fault.latency_ms, 250);
        assert_eq!(
            r.fault.mode,
            FaultMode::Status(StatusCode::SERVICE_UNAVAILABLE)
        );

        let r = parse(r#"{"service":"pricing"}"#).unwrap();
        assert_eq!(r.fault, Fault::NONE);

        let r = parse(r#"{"service":"*","mode":"hang"}"#).unwrap();
        assert_eq!(r.targets.len(), 9);
        assert_eq!(r.fault.mode, FaultMode::Hang);

        for (mode, expected) in [
            ("garbage", FaultMode::Garbage),
            ("reset", FaultMode::Reset),
            ("ok", FaultMode::Ok),
        ] {
            let body = format!(r#"{{"service":"carts","mode":"{mode}"}}"#);
            assert_eq!(parse(&body).unwrap().fault.mode, expected);
        }
    }

    #[test]
    fn fault_parsing_rejects_bad_bodies() {
        for bad in [
            "not json",
            "[]",
            r#"{"mode":"ok"}"#,
            r#"{"service":"shipping"}"#,
            r#"{"service":"reviews","mode":"explode"}"#,
            r#"{"service":"reviews","mode":"status"}"#,
            r#"{"service":"reviews","mode":"status","status":99}"#,
            r#"{"service":"reviews","mode":"status","status":600}"#,
            r#"{"service":"reviews","latency_ms":-5}"#,
            r#"{"service":"reviews","latency_ms":"5"}"#,
            r#"{"service":"reviews","mode":3}"#,
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn in_flight_guard_and_reset() {
        let c = Control::new();
        {
            let _a = c.begin(Service::Catalog, Some("r-1".into()));
            let _b = c.begin(Service::Pricing, None);
            assert_eq!(c.in_flight(), 2);
        }
        assert_eq!(c.in_flight(), 0);
        c.add_bytes(Service::Catalog, 10);
        let s = c.stats_json(0);
        assert_eq!(s["max_in_flight"], 2);
        assert_eq!(s["services"]["catalog"]["requests"], 1);
        assert_eq!(s["services"]["catalog"]["last_request_id"], "r-1");
        assert_eq!(s["services"]["catalog"]["bytes_sent"], 10);
        assert!(s["services"]["pricing"]["last_request_id"].is_null());
        assert_eq!(s["services"].as_object().unwrap().len(), 9);

        c.set_faults(&parse(r#"{"service":"*","mode":"garbage"}"#).unwrap());
        assert_eq!(c.take_fault(Service::Identity).mode, FaultMode::Garbage);
        assert_eq!(c.take_fault(Service::Identity).mode, FaultMode::Garbage);
        c.reset();
        assert_eq!(c.take_fault(Service::Identity), Fault::NONE);
        let s = c.stats_json(0);
        assert_eq!(s["max_in_flight"], 0);
        assert_eq!(s["services"]["catalog"]["requests"], 0);
    }
}
