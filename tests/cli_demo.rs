//! The README's demo command: the embedded switch answers and the interface table shows
//! rates from the second poll on.

mod common;

#[test]
fn demo_shows_the_switch_and_its_interface_rates() {
    let out = common::mibscope(&["demo", "--interval", "0.5", "--polls", "2"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("Cisco IOS Software"), "{text}");
    assert!(text.contains("57 interfaces"), "{text}");
    // An up gigabit port carries traffic: both rates are figures, not "-".
    let row = text
        .lines()
        .find(|l| l.contains("Gi1/0/1 "))
        .expect("Gi1/0/1 row");
    let fields: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(fields[2], "up/up", "{row}");
    assert!(fields[4] != "-" && fields[5] != "-", "no rates: {row}");
    // A port that is down moves nothing.
    let down = text
        .lines()
        .find(|l| l.contains("up/down"))
        .expect("a down port");
    assert!(down.split_whitespace().nth(4) == Some("0"), "{down}");
}

#[test]
fn demo_with_one_poll_has_no_rates_yet() {
    let out = common::mibscope(&["demo", "--polls", "1"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let row = text
        .lines()
        .find(|l| l.contains("Gi1/0/1 "))
        .expect("Gi1/0/1 row");
    assert_eq!(row.split_whitespace().nth(4), Some("-"), "{row}");
}
