using SeLetters.Api.Apis;
using SeLetters.Api.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRateLimiter();

app.MapDefaultEndpoints();
app.MapApiDocumentation();
app.MapLettersApi();
app.MapLetterExportApi();
app.MapApiKeyApi();
app.MapCatalogueApi();

app.Run();
