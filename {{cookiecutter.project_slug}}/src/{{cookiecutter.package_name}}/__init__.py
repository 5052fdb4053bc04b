"""{{ cookiecutter.package_name }}: a Panel app.

Modules in this package only define things (classes, functions, constants).
The served entry file, app.py at the project root, creates the objects, once
per browser session: see README.md, "Where state lives".
"""
