//! Stand-ins for the storefront's nine origin services on one loopback port,
//! with deterministic data and per-service fault injection, so BFFs can be
//! developed and tested without the real estate.

mod control;
mod control_api;
mod data;
mod http;
mod idempotency;
mod identity_store;
mod jwt;
mod net;
mod router;
mod services;
mod state;
mod store;

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};

use crate::net::ResettableStream;
use crate::state::AppState;

const USAGE: &str = "usage: mock-origins [--port PORT] [--products N]\n  --port PORT     port on 127.0.0.1 (0 picks a free one; default 8700)\n  --products N    catalog size (default 5000, max 1000000)";
const MAX_PRODUCTS: u32 = 1_000_000;

#[derive(Debug, PartialEq, Eq)]
struct Args {
    port: u16,
    products: u32,
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        port: 8700,
        products: 5000,
    };
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
            None => (arg.clone(), None),
        };
        match name.as_str() {
            "-h" | "--help" => return Ok(None),
            "--port" | "--products" => {
                let value = inline
                    .or_else(|| it.next())
                    .ok_or_else(|| format!("{name} needs a value"))?;
                if name == "--port" {
                    parsed.port = value
                        .parse()
                        .map_err(|_| format!("invalid port: {value}"))?;
                } else {
                    parsed.products = value
                        .parse()
                        .ok()
                        .filter(|n| (1..=MAX_PRODUCTS).contains(n))
                        .ok_or_else(|| format!("invalid product count: {value}"))?;
                }
            }
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    Ok(Some(parsed))
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("mock-origins: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("mock-origins: cannot start runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mock-origins: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot bind {addr}: {e}"))?;
    let bound = listener
        .local_addr()
        .map_err(|e| format!("cannot read bound address: {e}"))?;
    let state = Arc::new(AppState::new(args.products, bound.port())?);

    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "mock-origins listening on {bound}")
            .and_then(|()| out.flush())
            .map_err(|e| format!("cannot write to stdout: {e}"))?;
    }

    let shutdown = shutdown_signal();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => serve_connection(stream, Arc::clone(&state)),
                Err(e) => {
                    // Typically EMFILE under load: back off instead of spinning.
                    eprintln!("mock-origins: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            () = &mut shutdown => break,
        }
    }
    Ok(())
}

fn serve_connection(stream: TcpStream, state: Arc<AppState>) {
    let _ = stream.set_nodelay(true);
    let reset = Arc::new(AtomicBool::new(false));
    let io = TokioIo::new(ResettableStream::new(stream, Arc::clone(&reset)));
    tokio::spawn(async move {
        let service =
            service_fn(move |req| router::handle(Arc::clone(&state), req, Arc::clone(&reset)));
        // Errors here are clients going away or injected resets; neither is news.
        let _ = http1::Builder::new()
            .keep_alive(true)
            .serve_connection(io, service)
            .await;
    });
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {},
                    _ = term.recv() => {},
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<Args>, String> {
        parse_args(args.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn command_line() {
        assert_eq!(
            parse(&["--port", "0"]).unwrap(),
            Some(Args {
                port: 0,
                products: 5000
            })
        );
        assert_eq!(
            parse(&["--port=8701", "--products", "42"]).unwrap(),
            Some(Args {
                port: 8701,
                products: 42
            })
        );
        assert_eq!(parse(&[]).unwrap().unwrap().port, 8700);
        assert!(parse(&["--help"]).unwrap().is_none());
        assert!(parse(&["--port"]).is_err());
        assert!(parse(&["--port", "70000"]).is_err());
        assert!(parse(&["--products", "0"]).is_err());
        assert!(parse(&["--verbose"]).is_err());
    }
}
