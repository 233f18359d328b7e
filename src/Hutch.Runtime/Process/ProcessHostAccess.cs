using System.Runtime.CompilerServices;

// tests/Hutch.ProcessHost runs ProcessLauncher in a process of its own (Exec replaces the
// process, so the tests cannot call it in theirs).
[assembly: InternalsVisibleTo("Hutch.ProcessHost")]
