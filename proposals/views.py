from django.http import HttpResponse


def catalogue_list(request):  # placeholder, replaced by the pages work
    return HttpResponse("")


def catalogue_detail(request, slug):
    return HttpResponse("")


def proposal_detail(request, slug, pk):
    return HttpResponse("")
