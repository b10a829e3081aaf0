using Signals.Samples.Chat;

await ChatApp.Build(args).RunAsync();
