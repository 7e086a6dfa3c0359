//! A UDP relay that delays every datagram, each way, to make a loopback agent look distant
//! (bench/parallel-walk.sh puts it in front of snmpd). Loopback only.
//!
//! cargo run --release --example udp_delay_relay -- LISTEN_PORT AGENT_ADDR DELAY_MS

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::UdpSocket;
use tokio::sync::Mutex;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 {
        eprintln!("usage: udp_delay_relay LISTEN_PORT AGENT_ADDR DELAY_MS");
        std::process::exit(2);
    }
    let port: u16 = args[1].parse().expect("a port");
    let agent: SocketAddr = args[2].parse().expect("an address");
    let delay = Duration::from_millis(args[3].parse().expect("milliseconds"));
    assert!(
        agent.ip().is_loopback(),
        "the relay forwards to loopback only"
    );
    let front = Arc::new(UdpSocket::bind(("127.0.0.1", port)).await?);
    println!(
        "relay 127.0.0.1:{port} -> {agent}, {} ms each way",
        delay.as_millis()
    );
    // One upstream socket per client, so replies find their way back.
    let upstreams: Arc<Mutex<HashMap<SocketAddr, Arc<UdpSocket>>>> = Arc::default();
    let mut buf = vec![0u8; 65536];
    loop {
        let (n, client) = front.recv_from(&mut buf).await?;
        let datagram = buf[..n].to_vec();
        let upstream = {
            let mut map = upstreams.lock().await;
            match map.get(&client) {
                Some(u) => Arc::clone(u),
                None => {
                    let u = Arc::new(UdpSocket::bind("127.0.0.1:0").await?);
                    map.insert(client, Arc::clone(&u));
                    let (u2, front2) = (Arc::clone(&u), Arc::clone(&front));
                    tokio::spawn(async move {
                        let mut buf = vec![0u8; 65536];
                        while let Ok((n, _)) = u2.recv_from(&mut buf).await {
                            let reply = buf[..n].to_vec();
                            let front3 = Arc::clone(&front2);
                            tokio::spawn(async move {
                                tokio::time::sleep(delay).await;
                                let _ = front3.send_to(&reply, client).await;
                            });
                        }
                    });
                    u
                }
            }
        };
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            let _ = upstream.send_to(&datagram, agent).await;
        });
    }
}
