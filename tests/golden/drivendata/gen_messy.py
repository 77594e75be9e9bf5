#!/usr/bin/env python3
"""Writes the "messy" input of the drivendata golden test (tests/golden/drivendata/messy):
two daily batches of the seed's schema with what real exports contain — CRLF line ends, quoted
names with commas and quotes, UTF-8, bad and partial dates, decimal and non-numeric durations,
NaN and 1e3 speeds, traffic beyond int, empty fields, a T-separated timestamp, conflicting
duplicate unique_ids in files of different sizes (Spark keeps the larger file's row), a ragged
row and a blank line.  Deterministic (random.seed(11)).

    python3 tests/golden/drivendata/gen_messy.py tests/golden/drivendata/messy
"""
import os
import random
import sys

out = sys.argv[1] if len(sys.argv) > 1 else "tests/golden/drivendata/messy"
os.makedirs(out, exist_ok=True)
random.seed(11)
H = ("unique_id,person_name,email,phone,birth_date,ip_address,accessed_at,session_duration,"
     "download_speed,upload_speed,consumed_traffic")
names = ['Ann Lee', '"Smith, John"', 'José Álvarez', 'Zoë Ng', 'Bo', '"Quote ""Q"" Man"', '李 雷',
         '  Pad Ded  ']
emails = ['ann.lee@mail.com', 'JOHN.SMITH@Example.ORG', 'jo@x.io', 'zoe+tag@sub.domain.co', '',
          'bo_b@a-b.com', '"weird,email@x.com"', 'li.lei@qq.cn', 'x@y']


def row(i):
    n = random.choice(names)
    e = random.choice(emails)
    ph = random.choice(['555-123-4567', '', '(555) 000 1111'])
    bd = random.choice(['1990-01-31', '1985-7-4', 'not a date', '', '2001-02-29', '1970-12-01'])
    acc = random.choice([f'2024-0{random.randint(1, 9)}-1{random.randint(0, 9)} '
                         f'1{random.randint(0, 9)}:0{random.randint(0, 9)}:00',
                         '2023-12-31 23:59:59', '2024-01-01 00:00:00', '2024-01-02 00:00:01', '',
                         '2025-03-01 08:00:00', f'2024-06-0{random.randint(1, 9)}T12:30:00'])
    sd = random.choice(['31', '30', '120', '121', '45.7', '', '0', '300', '29.99', 'abc'])
    dl = random.choice(['10.5', '', '1e3', 'NaN', '0.1', '-3.25'])
    ul = random.choice(['1.5', '2', '', '0.2'])
    ct = random.choice(['100', '', '2147483647', '5000000000', '7'])
    return ','.join([str(i), n, e, ph, bd, '10.0.0.' + str(i % 255), acc, sd, dl, ul, ct])


a = [H] + [row(i) for i in range(1, 301)]
b = [H] + [row(i) for i in range(200, 420)]  # ids 200..300 also in the first file
b.append('999,Short Row')                      # ragged row
b.append('')                                   # blank line
with open(os.path.join(out, 'batch_2024-09-14.csv'), 'w', newline='') as f:
    f.write('\r\n'.join(a) + '\r\n')
with open(os.path.join(out, 'batch_2024-09-15.csv'), 'w', newline='') as f:
    f.write('\n'.join(b) + '\n')
