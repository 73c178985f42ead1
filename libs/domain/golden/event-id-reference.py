"""Independent reference for event id v1 (libs/domain/EVENT_ID.md), used to write src/event-id/event-id.golden.json.

Written from the spec in Python so that the TypeScript implementation is checked against a second reading of it,
not against itself. Run: python3 libs/domain/golden/event-id-reference.py > libs/domain/src/event-id/event-id.golden.json
then `npx prettier --write` that file (it respells 1e+21 as 1e21; the values are unchanged).
"""

import hashlib
import json
import struct
from decimal import Decimal

TAG = "lakehouse/event-id/v1"


def canonical_decimal(x: float) -> str:
    if x == 0:
        return "0"
    # repr() is the shortest round-trip spelling; Decimal re-spells it without exponent or trailing zeros.
    return format(Decimal(repr(x)).normalize(), "f")


def lp(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def preimage(v: dict) -> bytes:
    out = lp(TAG.encode()) + lp(v["symbol"].encode()) + lp(str(int(v["eventTimeUs"])).encode())
    out += lp(canonical_decimal(v["price"]).encode()) + lp(canonical_decimal(v["volume"]).encode())
    if "tradeId" in v:
        out += b"\x01" + lp(v["tradeId"].encode())
    else:
        out += b"\x00"
    return out


VECTORS = [
    ("a plain tick without trade id", {"symbol": "AAPL", "eventTimeUs": "1704205800000000", "price": 189.5, "volume": 300}),
    ("the same tick with a trade id", {"symbol": "AAPL", "eventTimeUs": "1704205800000000", "price": 189.5, "volume": 300, "tradeId": "T-1"}),
    ("the same tick with an empty trade id", {"symbol": "AAPL", "eventTimeUs": "1704205800000000", "price": 189.5, "volume": 300, "tradeId": ""}),
    ("a price that is not a short decimal", {"symbol": "MSFT", "eventTimeUs": "1704205800000001", "price": 0.30000000000000004, "volume": 1}),
    ("a huge volume spelled without exponent", {"symbol": "SPX", "eventTimeUs": "915460200000000", "price": 1229.23, "volume": 1e21}),
    ("a tiny price spelled without exponent", {"symbol": "PENNY", "eventTimeUs": "0", "price": 1.5e-7, "volume": 0}),
    ("negative zero spelled as zero", {"symbol": "Z", "eventTimeUs": "-1", "price": -0.0, "volume": -0.0}),
    ("a pre-1970 event time", {"symbol": "IBM", "eventTimeUs": "-2208988800000000", "price": 10, "volume": 5}),
    ("a non-ASCII symbol and trade id", {"symbol": "BRK.B", "eventTimeUs": "1704205800123456", "price": 410.01, "volume": 2, "tradeId": "Ω-ü-🚀"}),
    ("naive concatenation A1|23 (collides with A|123 without prefixes)", {"symbol": "A1", "eventTimeUs": "23", "price": 1, "volume": 1}),
    ("naive concatenation A|123 (collides with A1|23 without prefixes)", {"symbol": "A", "eventTimeUs": "123", "price": 1, "volume": 1}),
]


def main() -> None:
    vectors = []
    for name, v in VECTORS:
        data = preimage(v)
        vectors.append({"name": name, "input": v, "preimageHex": data.hex(), "eventId": hashlib.sha256(data).hexdigest()})
    print(json.dumps({"version": 1, "vectors": vectors}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
