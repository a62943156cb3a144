// SPDX-License-Identifier: GPL-3.0-only
#include "probeharness.h"

#include "probe.h"

#include <QSignalSpy>

using namespace Qt::StringLiterals;

QList<Observation> ProbeRun::ofKind(ObservationKind kind) const
{
    QList<Observation> matching;
    for (const Observation &observation : observations) {
        if (observation.kind == kind)
            matching.append(observation);
    }
    return matching;
}

QString ProbeRun::kindSequence() const
{
    QStringList parts;
    qsizetype index = 0;
    while (index < observations.size()) {
        const ObservationKind kind = observations.at(index).kind;
        qsizetype run = 1;
        while (index + run < observations.size() && observations.at(index + run).kind == kind)
            ++run;
        const QString name = observationKindName(kind);
        parts += run == 1 ? name : name % u'*' % QString::number(run);
        index += run;
    }
    return parts.join(u' ');
}

QString ProbeRun::firstError() const
{
    const QList<Observation> errors = ofKind(ObservationKind::Error);
    return errors.isEmpty() ? QString() : errors.first().fields.value(u"message"_s).toString();
}

QString ProbeRun::chunkText() const
{
    QString text;
    for (const Observation &chunk : ofKind(ObservationKind::Chunk))
        text += chunk.fields.value(u"text"_s).toString();
    return text;
}

ProbeRun runProbe(Probe &probe, int timeoutMs)
{
    ProbeRun run;
    QObject::connect(&probe, &Probe::observed, &probe,
                     [&run](const Observation &observation) { run.observations.append(observation); });
    QSignalSpy finished(&probe, &Probe::finished);
    probe.start();
    if (finished.isEmpty() && !finished.wait(timeoutMs)) {
        probe.stop();
        return run;
    }
    run.isFinished = true;
    run.isSuccess = finished.first().first().toBool();
    return run;
}
