"""Every write on modules: keyword-only, atomic, audited."""

from .acceptance import activate_on_signature, generate_acceptance_record
from .blocks import delete_block, move_block, save_block
from .edits import (
    accept_proposals,
    delete_item,
    delete_lesson,
    move_lesson,
    save_item,
    save_lesson,
    update_settings,
)
from .inputs import BlockInput, ItemInput, LessonInput, VersionSettings
from .modules import create_module, create_version
from .outdated import mark_outdated
from .review import add_comment, approve_version, request_changes, submit_version
from .trash import restore_deleted, undoable

__all__ = [
    "BlockInput",
    "ItemInput",
    "LessonInput",
    "VersionSettings",
    "accept_proposals",
    "activate_on_signature",
    "add_comment",
    "approve_version",
    "create_module",
    "create_version",
    "delete_block",
    "delete_item",
    "delete_lesson",
    "generate_acceptance_record",
    "mark_outdated",
    "move_block",
    "move_lesson",
    "request_changes",
    "restore_deleted",
    "save_block",
    "save_item",
    "save_lesson",
    "submit_version",
    "undoable",
    "update_settings",
]
