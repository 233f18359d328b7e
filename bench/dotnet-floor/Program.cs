// The .NET floor: starts the runtime, does nothing, exits 0 (see DotnetFloor.csproj).
return 0;
