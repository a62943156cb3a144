// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include <QCommandLineParser>
#include <QString>

// What every subcommand says the same way.
namespace commandline {

// Prints "streamlab COMMAND: MESSAGE (see streamlab COMMAND --help)" on stderr; returns 2, the
// exit code of a usage error.
int usageError(const char *command, const QString &message);

// Prints the parser's help on stdout with the usage line naming "streamlab COMMAND" rather
// than the executable's path, then exits with code 0.
[[noreturn]] void showHelp(const QCommandLineParser &parser, const char *command);

} // namespace commandline
