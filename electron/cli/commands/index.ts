import type { Command } from '../command.js';
import { actionAdd, actionList, actionStatus, gripSet } from './actions.js';
import { deviceKeepIdentity, deviceNewIdentity } from './device.js';
import { incidentCreate, incidentList, incidentShow, incidentUpdate } from './incident.js';
import { logAdd, logCorrect, logList, logShow, searchCommand } from './log.js';
import { bundleClock, bundleExport, bundleImport, peerAdd, peerList, peerRemove, serveCommand, statusCommand, teamCreate, teamInvite, teamJoin } from './network.js';
import { deviceCommand, initCommand, verifyCommand } from './setup.js';

export const COMMANDS: Command[] = [
  initCommand, deviceCommand, deviceKeepIdentity, deviceNewIdentity, incidentCreate, incidentList, incidentShow, incidentUpdate, logAdd, logList, logShow, logCorrect,
  gripSet, actionAdd, actionStatus, actionList, searchCommand, verifyCommand,
  teamCreate, teamInvite, teamJoin, peerAdd, peerList, peerRemove, statusCommand, serveCommand, bundleExport, bundleImport, bundleClock,
];
