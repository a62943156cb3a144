// SPDX-License-Identifier: GPL-3.0-only
#pragma once

// `streamlab` with no command (or `streamlab gui`): the lab window, with the built-in server
// already listening in a thread of its own. Creates the QApplication itself.
int runGui(int &argc, char **argv);
