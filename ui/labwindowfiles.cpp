// SPDX-License-Identifier: GPL-3.0-only
// The lab window's File menu and its settings: session files, exports, QSettings.
#include "labwindow.h"

#include "labsession.h"
#include "lanepanel.h"
#include "lessons.h"
#include "recording.h"
#include "timelinemodel.h"
#include "timelineview.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QListWidget>
#include <QSaveFile>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace {

Result<bool> writeFile(const QString &path, const QByteArray &bytes)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        return Result<bool>::failure(u"Could not write %1: %2"_s.arg(path, file.errorString()));
    return Result<bool>::success(true);
}

QString lastFolder()
{
    const QString folder = QSettings().value(u"files/folder"_s).toString();
    return folder.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation)
                            : folder;
}

void rememberFolder(const QString &path)
{
    QSettings().setValue(u"files/folder"_s, QFileInfo(path).absolutePath());
}

} // namespace

Result<bool> LabWindow::openRecording(const QString &path)
{
    const Result<Recording> loaded = Recording::load(path);
    if (!loaded.isOk())
        return Result<bool>::failure(loaded.error());
    const Recording &recording = loaded.value();
    m_lessons->blockSignals(true);
    m_lessons->setCurrentRow(-1);
    m_lessons->blockSignals(false);
    saveLessonSettings();
    m_lessonIndex = -1;
    QList<Lane> lanes;
    QStringList seen;
    for (const Lane &lane : recording.lanes) {
        // One panel per distinct lesson lane; overlaid runs share their lane's panel.
        const QString name = lane.name.section(u" · "_s, 0, 0);
        if (seen.contains(name))
            continue;
        seen += name;
        lanes.append(Lane{name, lane.settings, {}});
    }
    rebuildLanes(lanes, false);
    updateExtras();
    m_session->setRecording(recording);
    setWindowTitle(u"StreamLab: %1"_s.arg(QFileInfo(path).fileName()));
    showInfo(u"Opened %1: %2 lanes, %3 observations"_s.arg(path)
                 .arg(recording.lanes.size())
                 .arg(recording.observations.size()));
    return Result<bool>::success(true);
}

Result<bool> LabWindow::saveRecording(const QString &path) const
{
    return m_session->recording().save(path);
}

Result<bool> LabWindow::exportPng(const QString &path) const
{
    const QImage image = m_timeline->renderImage(2);
    if (image.isNull() || !image.save(path, "PNG"))
        return Result<bool>::failure(u"Could not write the PNG %1"_s.arg(path));
    return Result<bool>::success(true);
}

Result<bool> LabWindow::exportCsv(const QString &path) const
{
    return writeFile(path, m_session->recording().toCsv());
}

Result<bool> LabWindow::exportHar(const QString &path) const
{
    return writeFile(path, QJsonDocument(m_session->recording().toHar()).toJson());
}

void LabWindow::chooseAndOpen()
{
    const QString path = QFileDialog::getOpenFileName(
        this, u"Open a recording"_s, lastFolder(), u"StreamLab sessions (*.json);;All files (*)"_s);
    if (path.isEmpty())
        return;
    rememberFolder(path);
    if (const Result<bool> opened = openRecording(path); !opened.isOk())
        showError(opened.error());
}

void LabWindow::chooseAndSave()
{
    if (m_session->recording().lanes.isEmpty()) {
        showError(u"Nothing to save yet: run a lesson first."_s);
        return;
    }
    const QString path = QFileDialog::getSaveFileName(this, u"Save the recording"_s,
                                                      lastFolder() + u"/streamlab-session.json"_s,
                                                      u"StreamLab sessions (*.json)"_s);
    if (path.isEmpty())
        return;
    rememberFolder(path);
    const Result<bool> saved = saveRecording(path);
    saved.isOk() ? showInfo(u"Saved %1"_s.arg(path)) : showError(saved.error());
}

void LabWindow::chooseAndExport(const QString &what)
{
    if (m_session->recording().lanes.isEmpty()) {
        showError(u"Nothing to export yet: run a lesson first."_s);
        return;
    }
    const QString filter = what == u"png"_s   ? u"PNG images (*.png)"_s
                           : what == u"csv"_s ? u"CSV (*.csv)"_s
                                              : u"HTTP Archive (*.har)"_s;
    const QString path = QFileDialog::getSaveFileName(
        this, u"Export"_s, lastFolder() + u"/streamlab."_s + what, filter);
    if (path.isEmpty())
        return;
    rememberFolder(path);
    const Result<bool> done = what == u"png"_s   ? exportPng(path)
                              : what == u"csv"_s ? exportCsv(path)
                                                 : exportHar(path);
    done.isOk() ? showInfo(u"Exported %1"_s.arg(path)) : showError(done.error());
}

// Each lesson's knobs, as the lanes' settings (the session file's form), by lesson id.
void LabWindow::saveLessonSettings() const
{
    if (m_lessonIndex < 0)
        return;
    QJsonArray lanes;
    for (const LanePanel *panel : m_panels) {
        const Result<Lane> lane = panel->lane();
        if (!lane.isOk())
            return; // keep what was saved last rather than half a lesson
        lanes.append(lane.value().settings.toJson());
    }
    QSettings settings;
    settings.setValue(u"lessons/%1"_s.arg(allLessons().at(m_lessonIndex).id),
                      QJsonDocument(lanes).toJson(QJsonDocument::Compact));
    settings.setValue(u"lastLesson"_s, allLessons().at(m_lessonIndex).id);
}

void LabWindow::restoreLessonSettings()
{
    const QByteArray saved
        = QSettings().value(u"lessons/%1"_s.arg(allLessons().at(m_lessonIndex).id)).toByteArray();
    const QJsonArray lanes = QJsonDocument::fromJson(saved).array();
    if (lanes.size() != m_panels.size())
        return;
    const bool isAnyUrl = allLessons().at(m_lessonIndex).isAnyUrl;
    for (int i = 0; i < lanes.size(); ++i) {
        const Result<ProbeSettings> settings = ProbeSettings::fromJson(lanes.at(i).toObject());
        // A lesson saved against the built-in server on another port: the lesson's URL wins,
        // so an old port never sticks. "Any URL" keeps the user's own server.
        if (!settings.isOk() || (!isAnyUrl && settings.value().url.port() != m_base.port()))
            continue;
        m_panels.at(i)->restoreSettings(settings.value());
    }
}

void LabWindow::saveWindowSettings() const
{
    QSettings settings;
    settings.setValue(u"window/geometry"_s, saveGeometry());
    settings.setValue(u"window/state"_s, saveState());
    settings.setValue(u"window/mainSplitter"_s, m_mainSplitter->saveState());
    settings.setValue(u"window/rightSplitter"_s, m_rightSplitter->saveState());
    settings.setValue(u"window/timelineSplitter"_s, m_timelineSplitter->saveState());
}

void LabWindow::restoreWindowSettings()
{
    QSettings settings;
    if (!restoreGeometry(settings.value(u"window/geometry"_s).toByteArray()))
        resize(1400, 900);
    restoreState(settings.value(u"window/state"_s).toByteArray());
    // First start: the lanes get the most room, the timeline sits under them, the table is
    // a few rows; the lessons column is as wide as its titles.
    if (!m_mainSplitter->restoreState(settings.value(u"window/mainSplitter"_s).toByteArray()))
        m_mainSplitter->setSizes({300, 1100});
    if (!m_rightSplitter->restoreState(settings.value(u"window/rightSplitter"_s).toByteArray()))
        m_rightSplitter->setSizes({480, 420});
    if (!m_timelineSplitter->restoreState(
            settings.value(u"window/timelineSplitter"_s).toByteArray())) {
        m_timelineSplitter->setSizes({290, 130});
    }
    const QString last = settings.value(u"lastLesson"_s).toString();
    int index = 0;
    for (int i = 0; i < allLessons().size(); ++i) {
        if (allLessons().at(i).id == last)
            index = i;
    }
    selectLesson(index);
}
