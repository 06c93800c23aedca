"""Verifier of Switchboard's webhook signatures (docs/webhooks.md).

Copy verify() into your receiver. Run as a script, it checks a delivery:
    python3 verify.py SECRET SIGNATURE_HEADER [NOW_UNIX] < body
and exits 0 when it is valid, 1 (with the reason) otherwise.
"""
import hashlib
import hmac
import sys
import time

TOLERANCE = 5 * 60  # seconds: older deliveries are refused as replays


def verify(secret: str, body: bytes, header: str, now: float | None = None) -> None:
    """Raise ValueError unless header signs body with secret within TOLERANCE of now."""
    ts, sigs = None, []
    for part in header.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            continue
        if key == "t":
            ts = value
        elif key == "v1":
            sigs.append(value)
    if ts is None or not ts.isdigit() or not sigs:
        raise ValueError("malformed signature header")
    if now is None:
        now = time.time()
    if abs(now - int(ts)) > TOLERANCE:
        raise ValueError("timestamp outside the tolerance (replay?)")
    want = hmac.new(secret.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest().encode()
    # As bytes: compare_digest raises TypeError on a str that is not ASCII.
    if not any(hmac.compare_digest(want, s.encode(errors="replace")) for s in sigs):
        raise ValueError("signature does not match")


if __name__ == "__main__":
    secret, header = sys.argv[1], sys.argv[2]
    now = float(sys.argv[3]) if len(sys.argv) > 3 else None
    try:
        verify(secret, sys.stdin.buffer.read(), header, now)
    except ValueError as e:
        print(e)
        sys.exit(1)
    print("valid")
