// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include <QJsonObject>
#include <QNetworkReply>
#include <QString>

// Small readers of a QNetworkReply shared by every QNAM-based probe, so that
// their Headers observations and their error messages read the same.
namespace replyfields {

// The HTTP status of the (final, after redirects) response; 0 when none arrived.
int status(const QNetworkReply &reply);
// The reason phrase of that response, as the server sent it (may be empty).
QString reason(const QNetworkReply &reply);
// The fields of a Headers observation: {status, reason, headers: {name: value}}, a field sent
// several times (in any letter case) joined with ", " under its first spelling.
QJsonObject headers(const QNetworkReply &reply);
// "HTTP 404 Not Found from http://…": for messages naming a status the probe refuses.
QString describeStatus(const QNetworkReply &reply);

// QNAM 6.4 reports a body cut short by the server closing the connection as a success when it
// notices the close on its own (qhttpprotocolhandler.cpp: an unconnected socket in
// ReadingDataState means "all done"), and as RemoteHostClosedError otherwise. When the response
// announced a Content-Length (identity-encoded, with a body) and only `bodyBytes` of it arrived,
// returns a message saying so, the same either way; otherwise an empty string. A cut chunked
// body cannot be told from a whole one.
QString truncation(const QNetworkReply &reply, qint64 bodyBytes);
// Disconnects `receiver` from `reply`, then aborts it (queued: aborting inside one of the
// reply's own signals makes QNAM report its error twice) and deletes it later. No-op for null.
void release(QNetworkReply *reply, QObject *receiver);

// True for the errors QNAM derives from a 4xx/5xx status, as opposed to transport failures
// (refused, reset, DNS, timeout, malformed framing).
bool isHttpStatusError(QNetworkReply::NetworkError error);
// True when QNAM's transfer timeout ended the reply. Qt 6.4 reports it as
// OperationCanceledError (the code abort() gives), newer versions as TimeoutError: callers must
// disconnect from a reply before aborting it themselves for this to be unambiguous.
bool isTimeout(QNetworkReply::NetworkError error);

} // namespace replyfields
