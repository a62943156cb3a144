// SPDX-License-Identifier: GPL-3.0-only
#include "probesettings.h"

#include <QJsonArray>

#include <array>

using namespace Qt::StringLiterals;

namespace {

struct ModeName
{
    ProbeMode mode;
    QLatin1StringView name;
};

constexpr std::array kModeNames{
    ModeName{ProbeMode::Buffered, "buffered"_L1}, ModeName{ProbeMode::Stream, "stream"_L1},
    ModeName{ProbeMode::Sse, "sse"_L1},           ModeName{ProbeMode::Poll, "poll"_L1},
    ModeName{ProbeMode::WebSocket, "ws"_L1},      ModeName{ProbeMode::Range, "range"_L1},
    ModeName{ProbeMode::Raw, "raw"_L1},
};

} // namespace

QLatin1StringView probeModeName(ProbeMode mode)
{
    for (const ModeName &entry : kModeNames) {
        if (entry.mode == mode)
            return entry.name;
    }
    return "stream"_L1;
}

std::optional<ProbeMode> probeModeFromName(QStringView name)
{
    for (const ModeName &entry : kModeNames) {
        if (name == entry.name)
            return entry.mode;
    }
    return std::nullopt;
}

QStringList probeModeNames()
{
    QStringList names;
    for (const ModeName &entry : kModeNames)
        names += entry.name;
    return names;
}

Result<QUrl> parseProbeUrl(const QString &text)
{
    const QUrl url(text.trimmed(), QUrl::StrictMode);
    const QString scheme = url.scheme();
    if (!url.isValid() || url.host().isEmpty()
        || !QStringList{u"http"_s, u"https"_s, u"ws"_s, u"wss"_s}.contains(scheme)) {
        return Result<QUrl>::failure(u"'%1' is not an http, https, ws or wss URL"_s.arg(text));
    }
    return Result<QUrl>::success(url);
}

Result<ProbeMode> checkModeForUrl(ProbeMode mode, const QUrl &url)
{
    const bool isWsUrl = url.scheme().startsWith(u"ws"_s);
    if (isWsUrl != (mode == ProbeMode::WebSocket) && mode != ProbeMode::Raw) {
        return Result<ProbeMode>::failure(
            u"%1 does not go with a %2:// URL"_s.arg(probeModeName(mode), url.scheme()));
    }
    return Result<ProbeMode>::success(mode);
}

Result<QPair<QByteArray, QByteArray>> parseHeaderLine(const QString &line)
{
    using R = Result<QPair<QByteArray, QByteArray>>;
    const qsizetype colon = line.indexOf(u':');
    const QString name = line.left(colon).trimmed();
    if (colon <= 0 || name.isEmpty() || line.contains(u'\r') || line.contains(u'\n')
        || name.contains(u' ')) {
        return R::failure(u"'%1' is not 'Name: value'"_s.arg(line));
    }
    return R::success({name.toLatin1(), line.mid(colon + 1).trimmed().toLatin1()});
}

Result<QByteArray> parseMethod(const QString &text)
{
    const QByteArray method = text.trimmed().toLatin1();
    if (method.isEmpty() || method.contains(' ') || text.trimmed().size() != method.size())
        return Result<QByteArray>::failure(u"'%1' is not a method"_s.arg(text));
    return Result<QByteArray>::success(method);
}

QJsonObject ProbeSettings::toJson() const
{
    QJsonArray headerArray;
    for (const auto &[name, value] : headers)
        headerArray.append(QJsonArray{QString::fromLatin1(name), QString::fromLatin1(value)});
    QJsonObject object{
        {u"mode"_s, QString(probeModeName(mode))},
        {u"url"_s, url.toString(QUrl::FullyEncoded)},
        {u"method"_s, QString::fromLatin1(method)},
        {u"headers"_s, headerArray},
        {u"body"_s, QString::fromUtf8(body)},
        {u"timeout_ms"_s, timeoutMs},
        {u"duration_ms"_s, durationMs},
        {u"max_events"_s, maxEvents},
        {u"reconnect"_s, reconnect},
        {u"sends"_s, QJsonArray::fromStringList(sends)},
        {u"ping_interval_ms"_s, pingIntervalMs},
        {u"auto_pong"_s, autoPong},
        {u"segments"_s, segments},
        {u"output"_s, outputPath},
        {u"resume"_s, resume},
        {u"stop_after_bytes"_s, stopAfterBytes},
        {u"text_decoding"_s, textDecoding},
    };
    if (keepsBody)
        object.insert(u"keeps_body"_s, true);
    return object;
}

Result<ProbeSettings> ProbeSettings::fromJson(const QJsonObject &object)
{
    ProbeSettings settings;
    const QString modeName = object.value(u"mode"_s).toString();
    const std::optional<ProbeMode> mode = probeModeFromName(modeName);
    if (!mode)
        return Result<ProbeSettings>::failure(u"lane mode: unknown mode '%1'"_s.arg(modeName));
    settings.mode = *mode;
    settings.url = QUrl(object.value(u"url"_s).toString(), QUrl::StrictMode);
    if (!settings.url.isValid())
        return Result<ProbeSettings>::failure(u"lane url: not a valid URL"_s);
    settings.method = object.value(u"method"_s).toString(u"GET"_s).toLatin1();
    for (const QJsonValue &pair : object.value(u"headers"_s).toArray()) {
        const QJsonArray nameValue = pair.toArray();
        if (nameValue.size() != 2)
            return Result<ProbeSettings>::failure(u"lane headers: each must be [name, value]"_s);
        settings.headers.append(
            {nameValue.at(0).toString().toLatin1(), nameValue.at(1).toString().toLatin1()});
    }
    settings.body = object.value(u"body"_s).toString().toUtf8();
    settings.timeoutMs = object.value(u"timeout_ms"_s).toInt(settings.timeoutMs);
    settings.durationMs = object.value(u"duration_ms"_s).toInt(settings.durationMs);
    settings.maxEvents = object.value(u"max_events"_s).toInt(settings.maxEvents);
    settings.reconnect = object.value(u"reconnect"_s).toBool(settings.reconnect);
    for (const QJsonValue &text : object.value(u"sends"_s).toArray())
        settings.sends += text.toString();
    settings.pingIntervalMs = object.value(u"ping_interval_ms"_s).toInt(settings.pingIntervalMs);
    settings.autoPong = object.value(u"auto_pong"_s).toBool(settings.autoPong);
    settings.segments = object.value(u"segments"_s).toInt(settings.segments);
    settings.outputPath = object.value(u"output"_s).toString();
    settings.resume = object.value(u"resume"_s).toBool(settings.resume);
    settings.stopAfterBytes
        = qint64(object.value(u"stop_after_bytes"_s).toDouble(double(settings.stopAfterBytes)));
    settings.textDecoding = object.value(u"text_decoding"_s).toString(settings.textDecoding);
    settings.keepsBody = object.value(u"keeps_body"_s).toBool(settings.keepsBody);
    if (settings.timeoutMs < 0 || settings.durationMs < 0 || settings.maxEvents < 0
        || settings.pingIntervalMs < 0 || settings.segments < 1 || settings.segments > 16) {
        return Result<ProbeSettings>::failure(
            u"lane settings: timeout, duration, max events and ping interval must not be "
            "negative, segments must be 1 to 16"_s);
    }
    return Result<ProbeSettings>::success(settings);
}
