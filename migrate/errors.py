"""User-facing errors: each carries its exit code and prints as one line.

Only the CLI entry point turns these into an exit; library code raises them and never prints.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1  # findings at or above the threshold, a failed gate, a rollback performed
    USAGE = 2  # bad flag, bad or unreadable input
    AWS = 3  # credentials, access, not found, throttled after retries
    INTERNAL = 70  # a bug (EX_SOFTWARE): the message asks for a --debug run and a report
    INTERRUPTED = 130


class UserError(Exception):
    """An error the user can cause and fix; printed as a single line."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(UserError):
    """A file that cannot be read or is not what it should be.

    `path`, `line` and `column` (1-based) are folded into the message so that editors and CI
    annotations can jump to the place: ``path:line:column: message``.
    """

    def __init__(
        self, message: str, path: str | None = None, line: int | None = None, column: int | None = None
    ) -> None:
        self.path, self.line, self.column, self.reason = path, line, column, message
        where = ""
        if path:
            where = str(path)
            if line is not None:
                where += f":{line}"
                if column is not None:
                    where += f":{column}"
            where += ": "
        super().__init__(where + message)


class NotAnApiError(InputError):
    """A file that reads fine but holds no API definition (a docker-compose.yml, a package.json).

    Named explicitly it is an input error like any other; found while walking a directory it is
    skipped with a note, since folders of API definitions also hold other YAML and JSON files.
    """


class UsageError(UserError):
    """A flag or option combination that cannot work."""


class AwsError(UserError):
    """An AWS call failed for a reason the user must fix (credentials, access, not found, throttling)."""

    exit_code = ExitCode.AWS


class FindingsError(UserError):
    """The command did its work but the result is a failure (blocked routes, failed validation)."""

    exit_code = ExitCode.FINDINGS
