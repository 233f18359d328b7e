Console.WriteLine("hutch: not built yet");
return 1;
