// SPDX-License-Identifier: GPL-3.0-only
#include "observation.h"

#include <array>

using namespace Qt::StringLiterals;

namespace {

struct KindName
{
    ObservationKind kind;
    QLatin1StringView name;
};

constexpr std::array kKindNames{
    KindName{ObservationKind::Request, "request"_L1},
    KindName{ObservationKind::Headers, "headers"_L1},
    KindName{ObservationKind::Chunk, "chunk"_L1},
    KindName{ObservationKind::Event, "event"_L1},
    KindName{ObservationKind::Comment, "comment"_L1},
    KindName{ObservationKind::Message, "message"_L1},
    KindName{ObservationKind::Sent, "sent"_L1},
    KindName{ObservationKind::Ping, "ping"_L1},
    KindName{ObservationKind::Pong, "pong"_L1},
    KindName{ObservationKind::Poll, "poll"_L1},
    KindName{ObservationKind::Reconnect, "reconnect"_L1},
    KindName{ObservationKind::Range, "range"_L1},
    KindName{ObservationKind::Wire, "wire"_L1},
    KindName{ObservationKind::Close, "close"_L1},
    KindName{ObservationKind::Error, "error"_L1},
    KindName{ObservationKind::Done, "done"_L1},
};

} // namespace

QLatin1StringView observationKindName(ObservationKind kind)
{
    for (const KindName &entry : kKindNames) {
        if (entry.kind == kind)
            return entry.name;
    }
    return "error"_L1;
}

std::optional<ObservationKind> observationKindFromName(QLatin1StringView name)
{
    for (const KindName &entry : kKindNames) {
        if (entry.name == name)
            return entry.kind;
    }
    return std::nullopt;
}

bool isPayloadKind(ObservationKind kind)
{
    switch (kind) {
    case ObservationKind::Chunk:
    case ObservationKind::Message:
    case ObservationKind::Range:
    case ObservationKind::Wire:
        return true;
    default:
        return false;
    }
}
