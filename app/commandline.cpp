// SPDX-License-Identifier: GPL-3.0-only
#include "commandline.h"

#include <QCoreApplication>

#include <cstdio>
#include <cstdlib>

using namespace Qt::StringLiterals;

namespace commandline {

int usageError(const char *command, const QString &message)
{
    std::fprintf(stderr, "streamlab %s: %s (see streamlab %s --help)\n", command,
                 qPrintable(message), command);
    return 2;
}

void showHelp(const QCommandLineParser &parser, const char *command)
{
    QString text = parser.helpText();
    // QCommandLineParser names the program by argv[0]: "Usage: /path/to/streamlab [options]".
    const QString program = QCoreApplication::arguments().value(0);
    const QString usage = u"Usage: "_s + program;
    if (!program.isEmpty() && text.startsWith(usage))
        text.replace(0, usage.size(), u"Usage: streamlab %1"_s.arg(QLatin1StringView(command)));
    std::fputs(qPrintable(text), stdout);
    std::fflush(stdout);
    std::exit(0);
}

} // namespace commandline
