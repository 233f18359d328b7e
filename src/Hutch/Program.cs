// hutch: an OCI container runtime. Everything happens in HutchApp; exit status 1 on any failure.
return Hutch.HutchApp.Run(args, Console.Out, Console.Error);
