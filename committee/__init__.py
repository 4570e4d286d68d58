"""The comité de suivi's sessions: preparing the agenda from the plan's state (late, paused,
« À discuter » actions, missing points, indicators off target, decisions still open), sending
it, recording attendance and decisions. The tables are the actions app's
(actions/models/committee.py), so that an action's pages show and close its decisions; this
app sits above indicators, whose figures the agenda reads."""
