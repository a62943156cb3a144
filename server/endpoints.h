// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "responsewriter.h"

#include <memory>

class HeartbeatClock;
class Hub;
class QObject;
class QWebSocket;
class Samples;
class SendLog;

// What endpoints may use besides their request. Owned by LabServer; server thread only.
struct EndpointEnv
{
    QObject *streamParent = nullptr;  // parent of every Stream object (counted by the server)
    const Samples *samples = nullptr;
    SendLog *sendLog = nullptr;
    QString filesRoot;                // canonical path of the folder /files serves
    Hub *hub = nullptr;               // the publish/subscribe core of the push techniques
    HeartbeatClock *heartbeats = nullptr;  // beats for every SSE stream, from one timer
    QByteArray token;                 // required by push endpoints when not empty
};

using Endpoint = void (*)(const EndpointEnv &env, ResponseWriter &&writer);

// One technique, one file: each function below is implemented in the .cpp of the same name.
namespace endpoints {
void index(const EndpointEnv &env, ResponseWriter &&writer);     // index.cpp: GET /
void text(const EndpointEnv &env, ResponseWriter &&writer);      // text.cpp: /text
void image(const EndpointEnv &env, ResponseWriter &&writer);     // image.cpp: /image
void records(const EndpointEnv &env, ResponseWriter &&writer);   // records.cpp: /records
void slow(const EndpointEnv &env, ResponseWriter &&writer);      // slow.cpp: /slow
void files(const EndpointEnv &env, ResponseWriter &&writer);     // files.cpp: /files/NAME
void sendLog(const EndpointEnv &env, ResponseWriter &&writer);   // sendlogapi.cpp: /api/sendlog
void publish(const EndpointEnv &env, ResponseWriter &&writer);   // publish.cpp: /publish, /send
void sse(const EndpointEnv &env, ResponseWriter &&writer);       // sse.cpp: /sse
void poll(const EndpointEnv &env, ResponseWriter &&writer);      // poll.cpp: /poll
// websocket.cpp: /ws, after QtHttpServer upgraded the connection.
void webSocket(const EndpointEnv &env, std::unique_ptr<QWebSocket> socket);
int liveWebSocketSessions();  // any thread
} // namespace endpoints
