// SPDX-License-Identifier: GPL-3.0-only
// GET / : the index page, with every endpoint, a curl command and a browser client for each.
#include "endpoints.h"

#include <QFile>

using namespace Qt::StringLiterals;

void endpoints::index(const EndpointEnv &, ResponseWriter &&writer)
{
    static const QByteArray page = [] {
        QFile file(u":/streamlab/index.html"_s);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }();
    if (page.isEmpty()) {
        writer.sendText(500, "the index page is missing from the build's resources");
        return;
    }
    writer.send(200, "text/html; charset=utf-8", page, {{"Cache-Control", "no-cache"}});
}
