using System.Runtime.CompilerServices;

// tests/Hutch.ProcessHost (the program the launcher tests exec through) opens fds with these wrappers.
[assembly: InternalsVisibleTo("Hutch.ProcessHost")]
