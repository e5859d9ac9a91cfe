"""Helpers for import tests: build CSV/XLSX files in the catalogue import format."""

import io

from openpyxl import Workbook

YEARS = (2024, 2025, 2026, 2027)
HEADERS = ["Række", "Kode", "Tema", "Titel", "Type", "Indfasning"]
HEADERS += [f"Netto {y}" for y in YEARS] + [f"Årsværk {y}" for y in YEARS] + ["Beskrivelse"]


def row(kind="forslag", code="1", theme="", title="Forslag", type_="Eff", phase_in="nej", net=(), fte=(), text=""):
    net = list(net) + [""] * (4 - len(net))
    fte = list(fte) + [""] * (4 - len(fte))
    return [kind, code, theme, title, type_, phase_in, *net, *fte, text]


def csv_bytes(rows, headers=HEADERS, delimiter=";", encoding="utf-8"):
    def cell(v):
        v = "" if v is None else str(v)
        return f'"{v}"' if (delimiter in v or '"' in v or "\n" in v) else v

    text = "\r\n".join(delimiter.join(cell(v) for v in r) for r in [headers, *rows]) + "\r\n"
    return text.encode(encoding)


def xlsx_bytes(rows, headers=HEADERS):
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for r in rows:
        ws.append([None if v == "" else v for v in r])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
