import type { Command } from '../command.js';
import { actionDeadline, actionReassign, actionWithdraw } from './action-changes.js';
import { actionAdd, actionList, actionStatus, gripSet } from './actions.js';
import { deviceKeepIdentity, deviceNewIdentity } from './device.js';
import { incidentClose, incidentCreate, incidentList, incidentReopen, incidentShow, incidentUpdate } from './incident.js';
import { knelpuntReopen, knelpuntResolve } from './knelpunt.js';
import { logAdd, logCorrect, logList, logShow, searchCommand } from './log.js';
import { bundleClock, bundleExport, bundleImport, peerAdd, peerList, peerRemove, serveCommand, statusCommand, teamCreate, teamInvite, teamJoin } from './network.js';
import { deviceSet, peopleList } from './people.js';
import { compactCommand, deviceCommand, initCommand, verifyCommand } from './setup.js';
import { demoCommand } from './demo.js';
import { exportCommand, importCap } from './export.js';
import { sitrepApprove, sitrepDraft, sitrepEdit, sitrepList, sitrepShow, sitrepTemplate } from './sitrep.js';

export const COMMANDS: Command[] = [
  initCommand, deviceCommand, deviceSet, deviceKeepIdentity, deviceNewIdentity, peopleList, incidentCreate, incidentList, incidentShow, incidentUpdate, incidentClose, incidentReopen,
  logAdd, logList, logShow, logCorrect, gripSet, actionAdd, actionStatus, actionReassign, actionDeadline, actionWithdraw, actionList,
  knelpuntResolve, knelpuntReopen, searchCommand, verifyCommand, compactCommand,
  sitrepDraft, sitrepEdit, sitrepApprove, sitrepList, sitrepShow, sitrepTemplate, exportCommand, importCap, demoCommand,
  teamCreate, teamInvite, teamJoin, peerAdd, peerList, peerRemove, statusCommand, serveCommand, bundleExport, bundleImport, bundleClock,
];
