"""A sales CSV of ROWS lines (doc ids BENCH-00000000…) over the hospitals of a
customers export, for the import benchmarks. Deterministic (seed 7).
Usage: python3 scripts/sales-csv.py CUSTOMERS_CSV OUT_CSV ROWS"""
import csv
import random
import sys

customers, out, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(customers, encoding="utf-8-sig") as f:
    codes = [r[0] for r in csv.reader(f)][1:]
lines = ["PL-IMG", "PL-IVD", "PL-MON", "PL-SUR", "PL-REH"]
rnd = random.Random(7)
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["doc_id", "customer_code", "product_line_code", "booked_on", "amount"])
    for i in range(rows):
        amount = rnd.randint(-50000, 5000000) / 100
        w.writerow([f"BENCH-{i:08d}", rnd.choice(codes), rnd.choice(lines),
                    f"2026-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}", f"{amount:.2f}"])
print(f"{rows} sales lines over {len(codes)} customers", file=sys.stderr)
