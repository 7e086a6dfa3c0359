//! Message encode+decode throughput: a GetBulk request and the 25-row ifTable response an
//! agent sends back, the pair every step of a bulk walk costs.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mibscope::proto::message::CommunityMessage;
use mibscope::proto::{
    Community, Message, Oid, Pdu, PduBody, PduType, RequestId, Value, VarBind, Version,
};

fn response_of(rows: u32) -> Message {
    let mut varbinds = Vec::new();
    for i in 1..=rows {
        let col = |c: u32| Oid::from([1, 3, 6, 1, 2, 1, 2, 2, 1, c, i]);
        varbinds.push(VarBind::new(
            col(2),
            Value::OctetString(format!("GigabitEthernet1/0/{i}").into_bytes()),
        ));
        varbinds.push(VarBind::new(col(5), Value::Gauge32(1_000_000_000)));
        varbinds.push(VarBind::new(
            col(6),
            Value::OctetString(vec![0x00, 0x1b, 0x54, 0x11, 0x22, i as u8]),
        ));
        varbinds.push(VarBind::new(col(10), Value::Counter32(3_000_000_000 + i)));
        varbinds.push(VarBind::new(
            Oid::from([1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6, i]),
            Value::Counter64(98_765_432_109 + u64::from(i)),
        ));
    }
    Message::Community(CommunityMessage {
        version: Version::V2c,
        community: Community::new("public"),
        pdu: PduBody::Pdu(Pdu {
            kind: PduType::Response,
            request_id: RequestId(1_234_567),
            error_status: mibscope::proto::ErrorStatus::NoError,
            error_index: 0,
            varbinds,
        }),
    })
}

fn bench(c: &mut Criterion) {
    let request = Message::Community(CommunityMessage {
        version: Version::V2c,
        community: Community::new("public"),
        pdu: PduBody::Pdu(Pdu::get_bulk(
            RequestId(1_234_567),
            0,
            25,
            vec![VarBind::null(Oid::from([
                1, 3, 6, 1, 2, 1, 2, 2, 1, 10, 17,
            ]))],
        )),
    });
    let response = response_of(5);
    let response_bytes = response.encode();

    let mut g = c.benchmark_group("codec");
    g.throughput(Throughput::Elements(25));
    g.bench_function("encode getbulk request", |b| {
        b.iter(|| black_box(&request).encode());
    });
    g.bench_function("encode 25-varbind response", |b| {
        b.iter(|| black_box(&response).encode());
    });
    g.bench_function("decode 25-varbind response", |b| {
        b.iter(|| Message::decode(black_box(&response_bytes)).unwrap());
    });
    g.bench_function("encode request + decode response", |b| {
        b.iter(|| {
            let out = black_box(&request).encode();
            black_box(out);
            Message::decode(black_box(&response_bytes)).unwrap()
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
