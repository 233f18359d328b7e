// hutch: an OCI container runtime. Everything happens in HutchApp; exit status 1 on any failure.
return Hutch.HutchApp.Run(args, Hutch.StandardStreams.Open(1), Hutch.StandardStreams.Open(2));
