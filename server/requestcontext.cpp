// SPDX-License-Identifier: GPL-3.0-only
#include "requestcontext.h"

#include <QMetaEnum>
#include <QUrl>

using namespace Qt::StringLiterals;

RequestContext RequestContext::from(const QHttpServerRequest &request, const RequestHead &head)
{
    RequestContext context;
    context.method = request.method();
    context.methodName = head.method;
    context.target = head.target;
    const QUrl url = request.url();
    context.path = url.path();
    context.query = request.query();
    context.headers = request.headers();
    context.body = request.body();
    context.head = head;
    context.peer = request.remoteAddress();
    if (context.target.isEmpty())
        context.target = url.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority);
    if (context.methodName.isEmpty())
        context.methodName = QByteArray(QMetaEnum::fromType<QHttpServerRequest::Method>()
                                            .valueToKey(int(context.method))).toUpper();
    return context;
}

QByteArray RequestContext::header(QByteArrayView name) const
{
    QByteArray value;
    for (const auto &[key, fieldValue] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) != 0)
            continue;
        value = value.isEmpty() ? fieldValue : value + ", " + fieldValue;
    }
    return value;
}

bool RequestContext::hasHeader(QByteArrayView name) const
{
    for (const auto &field : headers) {
        if (field.first.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

QByteArray RequestContext::encodedPath() const
{
    const qsizetype query = target.indexOf('?');
    QByteArray path = query < 0 ? target : target.left(query);
    const qsizetype fragment = path.indexOf('#');
    if (fragment >= 0)
        path.truncate(fragment);
    // An absolute-form target ("http://host/path") carries the path after the authority.
    if (path.startsWith("http://") || path.startsWith("https://")) {
        const qsizetype slash = path.indexOf('/', path.indexOf("//") + 2);
        path = slash < 0 ? QByteArray("/") : path.mid(slash);
    }
    return path;
}

bool RequestContext::hasToken(const QByteArray &expected) const
{
    return tokenMatches(expected, header("Authorization"), query);
}

bool RequestContext::tokenMatches(const QByteArray &expected, const QByteArray &authorization,
                                  const QUrlQuery &query)
{
    if (expected.isEmpty())
        return true;
    if (authorization.startsWith("Bearer ") && authorization.mid(7).trimmed() == expected)
        return true;
    const QStringList tokens = query.allQueryItemValues(u"token"_s, QUrl::FullyDecoded);
    return tokens.size() == 1 && tokens.first().toUtf8() == expected;
}
