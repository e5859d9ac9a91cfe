from django.shortcuts import render


def dashboard(request):  # placeholder, replaced by the workflow work
    return render(request, "base.html")
