// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "probe.h"

#include <QByteArray>
#include <QJsonObject>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QUrl>

class QNetworkAccessManager;

// What every QNetworkAccessManager-based probe does the same way (buffered, stream, range):
// how requests are built, how headers are recorded, how failures are named.
namespace qnam {

// Most bytes a reply buffers before the probe reads them (QNetworkReply::setReadBufferSize).
constexpr qint64 kReadBufferBytes = 64 * 1024;

// HTTP/1.1 only, redirects followed unless they lead from https to http, the transfer (i.e.
// inactivity) timeout from settings.timeoutMs when > 0, and settings.headers in order.
QNetworkRequest makeRequest(const ProbeSettings &settings, const QUrl &url);
// Sends `request` with `method` and `body` (no body: no Content-Length either). The reply is a
// child of `network`.
QNetworkReply *send(QNetworkAccessManager &network, const QNetworkRequest &request,
                    const QByteArray &method, const QByteArray &body = {});
// The method of the request `reply` is currently for (after redirects, which may turn a POST
// into a GET).
QByteArray methodOf(const QNetworkReply &reply);
// (Status and Headers fields: replyfields::status and replyfields::headers.)
// Empty when the exchange succeeded; otherwise what went wrong, for a person, naming the URL:
// the HTTP status (>= 400), the inactivity timeout (`timeoutMs`; Qt 6.4 reports it as
// OperationCanceledError, so call this only for replies the probe did not abort itself), or
// the network error.
QString failureMessage(const QNetworkReply &reply, int timeoutMs);

} // namespace qnam

// The base of probes that make one request (following redirects) and read its body: records
// Request for every hop, Headers for every response, and finishes at finished(): a network
// error, a final status >= 400, or a body shorter than its Content-Length (which Qt 6.4 may
// report as complete when the server closes early) is a failure, after the body was recorded.
class QnamProbe : public Probe
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(QnamProbe)
public:
    using Probe::Probe;
    ~QnamProbe() override;

protected:
    void begin() override;
    void abortTransfer() override;

    // Called once, right after the request went out: connect what the technique reads.
    virtual void watch(QNetworkReply &reply) = 0;
    // The response is complete (or failed): record what is left to read. The run finishes
    // after it returns, unless it finished the run itself.
    virtual void readRest(QNetworkReply &reply) = 0;

private:
    void onMetaDataChanged();
    void onRedirected(const QUrl &url);
    void onFinished();

    QPointer<QNetworkReply> m_reply;
    qint64 m_bodyBytes = 0;    // body bytes of the current response, as QNAM counts them
    bool m_hasHeaders = false; // a Headers observation was made for the current exchange
};
