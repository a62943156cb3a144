// SPDX-License-Identifier: GPL-3.0-only
#include "rangeoutput.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QSaveFile>
#include <QTemporaryFile>

using namespace Qt::StringLiterals;

RangeOutput::RangeOutput() = default;
RangeOutput::~RangeOutput() = default;

QString RangeOutput::open(const QString &path, bool keepContents)
{
    m_path = path;
    if (path.isEmpty()) {
        auto temporary = std::make_unique<QTemporaryFile>();
        if (!temporary->open())
            return u"cannot create a temporary file: %1"_s.arg(temporary->errorString());
        m_file = std::move(temporary);
        return {};
    }
    auto file = std::make_unique<QFile>(path);
    QIODevice::OpenMode mode = QIODevice::ReadWrite;
    if (!keepContents)
        mode |= QIODevice::Truncate;
    if (!file->open(mode))
        return u"cannot open the output file %1: %2"_s.arg(path, file->errorString());
    m_file = std::move(file);
    return {};
}

QString RangeOutput::sidecarPath() const
{
    return m_path.isEmpty() ? QString() : m_path + QLatin1StringView(kSidecarSuffix);
}

qint64 RangeOutput::size() const
{
    return m_file ? m_file->size() : 0;
}

QString RangeOutput::failure(const QString &what) const
{
    const QString name = m_path.isEmpty() ? u"the temporary file"_s : m_path;
    return u"%1 %2 failed: %3"_s.arg(what, name, m_file ? m_file->errorString() : QString());
}

Result<rangeplan::PartialState> RangeOutput::loadSidecar() const
{
    using R = Result<rangeplan::PartialState>;
    QFile sidecar(sidecarPath());
    if (m_path.isEmpty() || !sidecar.open(QIODevice::ReadOnly))
        return R::failure(u"no sidecar %1"_s.arg(sidecarPath()));
    R state = rangeplan::PartialState::fromJson(
            sidecar.read(rangeplan::PartialState::kMaxSidecarBytes + 1));
    if (!state.isOk())
        return state;
    const auto &spans = state.value().complete.spans();
    if (!spans.isEmpty() && spans.last().last >= size())
        return R::failure(u"the sidecar claims bytes beyond the end of %1"_s.arg(m_path));
    return state;
}

QString RangeOutput::saveSidecar(const rangeplan::PartialState &state)
{
    if (m_path.isEmpty() || !m_file)
        return {};
    if (!m_file->flush())
        return failure(u"flushing"_s);
    QSaveFile sidecar(sidecarPath());
    if (!sidecar.open(QIODevice::WriteOnly)
        || sidecar.write(QJsonDocument(state.toJson()).toJson(QJsonDocument::Compact)) < 0
        || !sidecar.commit()) {
        return u"writing the sidecar %1 failed: %2"_s.arg(sidecarPath(), sidecar.errorString());
    }
    return {};
}

void RangeOutput::removeSidecar()
{
    if (!m_path.isEmpty())
        QFile::remove(sidecarPath());
}

QString RangeOutput::reset(qint64 size)
{
    if (!m_file->resize(0))
        return failure(u"truncating"_s);
    return size > 0 ? resize(size) : QString();
}

QString RangeOutput::resize(qint64 size)
{
    return m_file->resize(size) ? QString() : failure(u"resizing"_s);
}

QString RangeOutput::writeAt(qint64 offset, QByteArrayView bytes)
{
    if (!m_file->seek(offset) || m_file->write(bytes.data(), bytes.size()) != bytes.size())
        return failure(u"writing"_s);
    return {};
}

Result<QByteArray> RangeOutput::sha256()
{
    if (!m_file->flush() || !m_file->seek(0))
        return Result<QByteArray>::failure(failure(u"reading back"_s));
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hash.addData(m_file.get()))
        return Result<QByteArray>::failure(failure(u"reading back"_s));
    return Result<QByteArray>::success(hash.result().toHex());
}
