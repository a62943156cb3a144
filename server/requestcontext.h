// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "requestscanner.h"

#include <QtHttpServer/QHttpServerRequest>

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

// A copy of everything an endpoint needs from a request. QHttpServerRequest is reset by the
// next request on the same connection, so streams must never keep a reference to it.
struct RequestContext
{
    QHttpServerRequest::Method method = QHttpServerRequest::Method::Unknown;
    QByteArray methodName;
    QByteArray target;          // the request target exactly as sent (percent-encoded)
    QString path;               // decoded path, as QtHttpServer routed it
    QUrlQuery query;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    RequestHead head;           // version and keep-alive, from the connection's scanner
    QHostAddress peer;

    static RequestContext from(const QHttpServerRequest &request, const RequestHead &head);

    bool isHead() const { return method == QHttpServerRequest::Method::Head; }
    // Header value by case-insensitive name; repeated fields are joined with ", ".
    QByteArray header(QByteArrayView name) const;
    bool hasHeader(QByteArrayView name) const;
    // True when `expected` is empty (no token configured) or the request carries it, either
    // as ?token= (EventSource cannot send headers) or as "Authorization: Bearer <token>".
    bool hasToken(const QByteArray &expected) const;
    static bool tokenMatches(const QByteArray &expected, const QByteArray &authorization,
                             const QUrlQuery &query);
    // The path component of `target`, still percent-encoded, without the query.
    QByteArray encodedPath() const;
};
