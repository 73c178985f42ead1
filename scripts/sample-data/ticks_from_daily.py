"""Turns real daily OHLCV bars into four exchange-local ticks per trading day (see data/sample/README.md).

Every price and volume in the output comes from the source; only the intraday times are nominal:
  09:30:00 open · 11:30:00 first extreme · 14:00:00 second extreme · 16:00:00 close  (America/New_York)
On an up day (close >= open) the low comes first, on a down day the high: the usual OHLC path convention.
The day's volume is split evenly over the four ticks; the remainder of the integer division goes to the close.
Prices are rounded to cents, which removes the float32 artifacts of the source (1229.22998 -> 1229.23).
"""

import argparse
import csv
import gzip
import hashlib
import io
import json
from datetime import datetime

# SHA-256 of the decompressed CSVs in arch 8.0.0; a different input must be a deliberate change.
EXPECTED_SHA256 = {
    "SPX": "1c4d0aeed8db9284de8ad71e4063c97f645ad6dd13507f8e305338e96c396ba7",
    "IXIC": "799ab0bf4a29129f23c27743098215c4033c139ff76dc935a1cd53d1aea9997e",
}
TICK_TIMES = ("09:30:00", "11:30:00", "14:00:00", "16:00:00")
TICKS_PER_DAY = len(TICK_TIMES)


def read_daily(symbol: str, path: str):
    raw = gzip.open(path, "rb").read()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != EXPECTED_SHA256[symbol]:
        raise SystemExit(f"{symbol}: source {path} has sha256 {digest}, expected {EXPECTED_SHA256[symbol]}")
    for row in csv.DictReader(io.StringIO(raw.decode("utf-8"))):
        day = datetime.strptime(row["Date"], "%m/%d/%Y").date()
        yield day, {k: row[k] for k in ("Open", "High", "Low", "Close", "Volume")}


def ticks_for_day(symbol: str, day, bar):
    o, h, l, c = (round(float(bar[k]), 2) for k in ("Open", "High", "Low", "Close"))
    volume = int(bar["Volume"])
    prices = (o, l, h, c) if c >= o else (o, h, l, c)
    share = volume // TICKS_PER_DAY
    volumes = [share] * (TICKS_PER_DAY - 1) + [volume - share * (TICKS_PER_DAY - 1)]
    for time, price, vol in zip(TICK_TIMES, prices, volumes):
        yield {"symbol": symbol, "price": price, "volume": vol, "timestamp": f"{day.isoformat()} {time}"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", action="append", required=True, help="SYMBOL=path/to/daily.csv.gz")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    ticks = []
    for spec in args.source:
        symbol, path = spec.split("=", 1)
        for day, bar in read_daily(symbol, path):
            ticks.extend(ticks_for_day(symbol, day, bar))
    # One interleaved stream in exchange time, as a feed would deliver it; symbol breaks ties deterministically.
    ticks.sort(key=lambda t: (t["timestamp"], t["symbol"]))
    with open(args.out, "w", encoding="utf-8", newline="\n") as out:
        for tick in ticks:
            out.write(json.dumps(tick, separators=(",", ":")) + "\n")
    print(f"wrote {len(ticks)} ticks to {args.out}")


if __name__ == "__main__":
    main()
