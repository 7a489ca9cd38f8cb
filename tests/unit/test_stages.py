"""One table of commands feeds Fabric, click, `fab lab` and the report's sections."""

from __future__ import annotations

import importlib

from click.testing import CliRunner

from pglab import assignment
from pglab.cli import main
from pglab.stages import COMMANDS, LAB_STEPS


def test_every_command_is_a_fabric_task_with_its_parameters():
    tasks = importlib.import_module("tasks")
    names = set(tasks.ns.task_names)
    assert names == {c.name for c in COMMANDS}
    for command in COMMANDS:
        task = tasks.ns[command.name]
        assert list(task.argspec(task.body).parameters) == [p.name for p in command.params], command.name
        assert task.help == {p.name: p.help for p in command.params}
        as_typed = {p.name: tasks.fabric_default(p) for p in command.params if not p.required}
        assert command.split(as_typed) == command.split({}), command.name  # Fabric's defaults pass the checks


def test_every_command_is_a_click_subcommand_with_the_same_help():
    for command in COMMANDS:
        result = CliRunner().invoke(main, [command.name, "--help"])
        assert result.exit_code == 0, result.output
        assert " ".join(command.help.split()[:4]) in " ".join(result.output.split())


def test_lab_steps_follow_the_assignment_order_and_cover_every_section():
    order = [assignment.SECTION_KEYS.index(step.section) for step in LAB_STEPS]
    assert order == sorted(order)
    assert {step.section for step in LAB_STEPS} == set(assignment.SECTION_KEYS)
    assert len({step.key for step in LAB_STEPS}) == len(LAB_STEPS)
    assert all(step.title[0] and step.title[1] for step in LAB_STEPS)


def test_typed_commands_of_the_lab_exist():
    names = {c.name for c in COMMANDS}
    for step in LAB_STEPS:
        assert step.typed.split()[1] in names, step.typed


def test_sections_have_both_languages():
    for section in assignment.SECTIONS:
        for lang in assignment.LANGUAGES:
            assert section.text("title", lang) and section.text("asks", lang)
