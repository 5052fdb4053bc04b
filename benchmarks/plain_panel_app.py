"""The starter page as a plain Panel script, the way Panel's "migrating from
Streamlit" guide writes it: state in the served script, one of Panel's templates
with its own (process-wide) busy indicator, and no panel_fixes.py.

    python benchmarks/bench.py --entry benchmarks/plain_panel_app.py
"""

import os
import random

import panel as pn

# bench.py --template sets it, to compare the same Panel template.
pn.extension(sizing_mode="stretch_width", template=os.environ.get("PANEL_TEMPLATE", "bootstrap"))


def add_row(event):
    row = pn.widgets.TextInput(label="Enter a number", value=str(random.randint(0, 100)))
    rows.append(row)


rows = pn.Column()
add_button = pn.widgets.Button(label="Add new row", on_click=add_row)
clear_button = pn.widgets.Button(label="Clear all rows", on_click=lambda event: rows.clear())

pn.Column("# Dynamically add new rows", pn.Row(add_button, clear_button), rows).servable()
