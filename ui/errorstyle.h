// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include <QPalette>
#include <QString>

// Error colours that stay legible on the system's light or dark palette: deep red on pale rose
// in a light theme, pale rose on deep red in a dark one.
namespace errorstyle {

inline bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

// Style sheet of a QLabel used as an error banner.
inline QString bannerSheet(const QPalette &palette)
{
    return isDark(palette)
               ? QStringLiteral("QLabel { background: #4a1c1a; color: #ffd7d3; "
                                "border: 1px solid #8c3a35; border-radius: 3px; padding: 4px; }")
               : QStringLiteral("QLabel { background: #fdecea; color: #611a15; "
                                "border: 1px solid #f5c2c0; border-radius: 3px; padding: 4px; }");
}

// Style sheet of a QLabel whose text is an error.
inline QString textSheet(const QPalette &palette)
{
    return isDark(palette) ? QStringLiteral("color: #ff8a80;") : QStringLiteral("color: #c62828;");
}

} // namespace errorstyle
