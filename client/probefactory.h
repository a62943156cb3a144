// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "probesettings.h"

class Probe;
class QObject;

// The probe for settings.mode, not started, parented to `parent` (and living in its thread).
Probe *createProbe(const ProbeSettings &settings, QObject *parent);
