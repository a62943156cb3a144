// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include <QString>

#include <optional>
#include <utility>

// A value or an error message, for operations that can fail (style: never a bare bool plus a
// log line). The message is written for a person and names what was wrong.
template <typename T>
class Result
{
public:
    static Result success(T value) { return Result(std::move(value), QString()); }
    static Result failure(QString error) { return Result(std::nullopt, std::move(error)); }

    bool isOk() const { return m_value.has_value(); }
    const T &value() const { return *m_value; }
    const QString &error() const { return m_error; }

private:
    Result(std::optional<T> value, QString error)
        : m_value(std::move(value)), m_error(std::move(error))
    {
    }

    std::optional<T> m_value;
    QString m_error;
};
